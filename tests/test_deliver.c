/*
 * Delivery: the sendmail program's exit statuses and what it says, and a
 * Maildir's commit, including one that fails half-way.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "onboard/deliver.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/onboard-deliver.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A sendmail of the test's: the script, run as "sh PATH". */
static void script(struct ob_sendmail *sm, const char *body)
{
	char path[128], cmd[160];
	FILE *f;
	snprintf(path, sizeof(path), "%s/sendmail", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(body, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "  sh\t%s  ", path);
	ob_sendmail_init(sm, cmd);
}

static void test_sendmail_results(void **state)
{
	struct ob_sendmail sm;
	char why[256], path[160], got[64] = "";
	FILE *f;
	(void)state;
	/* Arguments and the message as given; stdout goes nowhere. */
	snprintf(path, sizeof(path), "%s/args", dir);
	script(&sm, "echo \"$@\" >\"${0%/*}/args\"; cat >\"${0%/*}/msg\"; "
		    "echo to stdout; exit 0\n");
	assert_int_equal(sm.argc, 2);
	assert_int_equal(
	    ob_sendmail_deliver(&sm, "a@b.example", "x\n", 2, why, sizeof(why)),
	    OB_DELIVERED);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(got, sizeof(got), f));
	fclose(f);
	assert_string_equal(got, "-oi -t -f a@b.example\n");
	ob_sendmail_release(&sm);

	script(&sm, "cat >/dev/null; echo '451 busy' >&2; exit 75\n");
	assert_int_equal(
	    ob_sendmail_deliver(&sm, "a@b.example", "x\n", 2, why, sizeof(why)),
	    OB_DELIVERY_TEMPORARY);
	assert_string_equal(why, "451 busy");
	ob_sendmail_release(&sm);

	script(&sm, "exit 71\n");
	assert_int_equal(
	    ob_sendmail_deliver(&sm, "a@b.example", "x\n", 2, why, sizeof(why)),
	    OB_DELIVERY_TEMPORARY);
	ob_sendmail_release(&sm);

	/* Only blanks on stderr: the status says why. */
	script(&sm, "printf '   \\n\\t\\n' >&2; exit 67\n");
	assert_int_equal(
	    ob_sendmail_deliver(&sm, "a@b.example", "x\n", 2, why, sizeof(why)),
	    OB_DELIVERY_FAILED);
	assert_non_null(strstr(why, "exited with status 67"));
	ob_sendmail_release(&sm);

	/* More than it keeps, and never reading its input. */
	script(&sm, "i=0; while [ $i -lt 300 ]; do printf '        ' >&2; "
		    "i=$((i+1)); done; kill -9 $$\n");
	{
		char *big = malloc(1 << 20);
		memset(big, 'x', 1 << 20);
		assert_int_equal(ob_sendmail_deliver(&sm, "a@b.example", big,
						     1 << 20, why, sizeof(why)),
				 OB_DELIVERY_FAILED);
		free(big);
	}
	assert_non_null(strstr(why, "killed by signal 9"));
	ob_sendmail_release(&sm);

	ob_sendmail_init(&sm, "/nonexistent/sendmail -x");
	assert_int_equal(
	    ob_sendmail_deliver(&sm, "a@b.example", "x\n", 2, why, sizeof(why)),
	    OB_DELIVERY_FAILED);
	assert_string_equal(why, "cannot run '/nonexistent/sendmail': No such "
				 "file or directory");
	ob_sendmail_release(&sm);

	ob_sendmail_init(&sm, " ");
	assert_string_equal(sm.argv[0], OB_SENDMAIL_DEFAULT);
	ob_sendmail_release(&sm);
}

static int count_files(const char *sub)
{
	char cmd[160];
	FILE *p;
	int n = -1;
	snprintf(cmd, sizeof(cmd), "ls -A '%s/%s' | wc -l", dir, sub);
	p = popen(cmd, "r");
	if (p && fscanf(p, "%d", &n) != 1)
		n = -1;
	if (p)
		pclose(p);
	return n;
}

static void test_maildir(void **state)
{
	struct ob_maildir *md;
	struct ob_err err = {0};
	char path[128];
	size_t delivered;
	struct stat sb;
	(void)state;
	snprintf(path, sizeof(path), "%s/mail/box", dir);
	assert_int_equal(ob_maildir_open(path, &md, &err), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	assert_int_equal(ob_maildir_put(md, "a\n", 2, &err), 0);
	assert_int_equal(ob_maildir_put(md, "b\n", 2, &err), 0);
	assert_int_equal(count_files("mail/box/tmp"), 2);
	assert_int_equal(count_files("mail/box/new"), 0);
	assert_int_equal(ob_maildir_commit(md, &delivered, &err), 0);
	assert_int_equal(delivered, 2);
	assert_int_equal(count_files("mail/box/tmp"), 0);
	assert_int_equal(count_files("mail/box/new"), 2);
	assert_int_equal(count_files("mail/box/cur"), 0);
	/* Put and never committed: gone with the close. */
	assert_int_equal(ob_maildir_put(md, "c\n", 2, &err), 0);
	ob_maildir_close(md);
	assert_int_equal(count_files("mail/box/tmp"), 0);
	assert_int_equal(count_files("mail/box/new"), 2);
}

/*
 * A commit whose renames fail (new/ removed under it): nothing is
 * delivered, and what was put is gone, so that no later commit delivers
 * a message its caller was told had not gone.
 */
static void test_maildir_failed_commit(void **state)
{
	struct ob_maildir *md;
	struct ob_err err = {0};
	char path[128], new[160];
	size_t delivered = 99;
	(void)state;
	snprintf(path, sizeof(path), "%s/failing", dir);
	assert_int_equal(ob_maildir_open(path, &md, &err), 0);
	snprintf(new, sizeof(new), "%s/new", path);
	assert_int_equal(rmdir(new), 0);
	assert_int_equal(ob_maildir_put(md, "a\n", 2, &err), 0);
	assert_int_equal(ob_maildir_commit(md, &delivered, &err), -1);
	assert_int_equal(delivered, 0);
	assert_non_null(strstr(err.msg, "cannot move"));
	assert_int_equal(count_files("failing/tmp"), 0);
	assert_int_equal(mkdir(new, 0700), 0);
	assert_int_equal(ob_maildir_put(md, "b\n", 2, &err), 0);
	ob_maildir_close(md);
	assert_int_equal(count_files("failing/new"), 0);
	assert_int_equal(count_files("failing/tmp"), 0);
	/* A Maildir that cannot be made. */
	assert_int_equal(system("touch /tmp/onboard-deliver-file"), 0);
	assert_int_equal(
	    ob_maildir_open("/tmp/onboard-deliver-file/box", &md, &err), -1);
	assert_non_null(strstr(err.msg, "cannot create directory"));
	unlink("/tmp/onboard-deliver-file");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sendmail_results),
	    cmocka_unit_test(test_maildir),
	    cmocka_unit_test(test_maildir_failed_commit),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
