/* The shared pieces of onboard's HTML pages. */
#include "onboard/html.h"

void ob_html_text(struct ob_buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			ob_buf_adds(b, "&amp;");
			break;
		case '<':
			ob_buf_adds(b, "&lt;");
			break;
		case '>':
			ob_buf_adds(b, "&gt;");
			break;
		case '"':
			ob_buf_adds(b, "&quot;");
			break;
		case '\'':
			ob_buf_adds(b, "&#39;");
			break;
		default:
			ob_buf_addc(b, *s);
		}
	}
}

void ob_html_begin(struct ob_buf *b, const char *title)
{
	ob_buf_adds(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
		       "charset=\"utf-8\">\n<title>");
	ob_html_text(b, title);
	ob_buf_adds(b,
		    "</title>\n<style>\n"
		    "body{font:14px/1.4 system-ui,sans-serif;max-width:60em;"
		    "margin:2em auto;color:#222}\n"
		    "table{border-collapse:collapse;margin:.5em 0 1.5em}\n"
		    "th,td{border:1px solid #ccc;padding:.25em .6em;text-align:"
		    "right}\nth:first-child,td:first-child{text-align:left}\n"
		    "h2{border-bottom:1px solid #ddd;margin-top:1.5em}\n"
		    ".green{color:#2e7d32}.yellow{color:#b07d00}.red{color:"
		    "#c62828}\nsvg text{font:12px system-ui,sans-serif;fill:"
		    "#222}\n@media print{body{margin:0;max-width:none}"
		    "h2{break-after:avoid}table,svg{break-inside:avoid}}\n"
		    "</style></head><body>\n");
}

void ob_html_end(struct ob_buf *b)
{
	ob_buf_adds(b, "</body></html>\n");
}

const char *const ob_html_status_color[3] = {"#2e7d32", "#f9a825",
					     "#c62828"};

void ob_svg_bar(struct ob_buf *b, int y, const char *label, const int *counts,
		const char *const *colors, const char *const *names, int n,
		int max)
{
	int x = 160, total = 0;
	ob_buf_addf(b, "<text x=\"150\" y=\"%d\" text-anchor=\"end\">", y + 15);
	ob_html_text(b, label);
	ob_buf_adds(b, "</text>");
	for (int i = 0; i < n; i++) {
		int w = max ? (int)((long long)counts[i] * 400 / max) : 0;
		total += counts[i];
		if (!counts[i])
			continue;
		if (w < 2)
			w = 2;
		ob_buf_addf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"20\" "
			       "fill=\"%s\"><title>%d ",
			    x, y, w, colors[i], counts[i]);
		ob_html_text(b, names[i]);
		ob_buf_adds(b, "</title></rect>");
		x += w;
	}
	ob_buf_addf(b, "<text x=\"%d\" y=\"%d\">%d</text>", x + 6, y + 15,
		    total);
}
