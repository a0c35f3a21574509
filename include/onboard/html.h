/*
 * The pieces of onboard's self-contained HTML pages (the weekly report,
 * the backtest): escaping, the page's head and style, and the SVG bars
 * they draw. Nothing is fetched: no scripts, fonts or images, so a page
 * mailed or saved opens as it was written.
 */
#ifndef ONBOARD_HTML_H
#define ONBOARD_HTML_H

#include "onboard/util.h"

/* Text for an element or an attribute: & < > " ' escaped. */
void ob_html_text(struct ob_buf *b, const char *s);

/* The doctype, head (title escaped) and the shared style; opens body. */
void ob_html_begin(struct ob_buf *b, const char *title);
void ob_html_end(struct ob_buf *b);

/* The colours of green, yellow and red, by enum ob_status. */
extern const char *const ob_html_status_color[3];

/*
 * One horizontal bar of n parts at height y of an SVG 620 wide: label
 * on the left, part i counts[i] long (max: 400 px) in colors[i] with
 * names[i] in its tooltip, the total on the right. A part that is not 0
 * is at least 2 px, so it never vanishes.
 */
void ob_svg_bar(struct ob_buf *b, int y, const char *label, const int *counts,
		const char *const *colors, const char *const *names, int n,
		int max);

#endif
