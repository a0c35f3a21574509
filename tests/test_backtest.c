/* Backtest measures: tallies, cut-offs, lift, percentiles, nulls. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "onboard/backtest.h"

static void test_empty_has_no_ratios(void **state)
{
	struct ob_backtest bt = {0};
	struct ob_cutoff c;
	(void)state;
	ob_backtest_cutoff(&bt, false, &c);
	assert_false(c.recall.has);
	assert_false(c.precision.has);
	assert_false(c.false_alarm_rate.has);
	assert_false(c.lift.has);
	assert_false(ob_backtest_base_rate(&bt).has);
	assert_false(ob_backtest_churn_rate(&bt, OB_RED).has);
	assert_false(ob_backtest_lead_percentile(&bt, 50).has);
	ob_backtest_finish(&bt);
	ob_backtest_release(&bt);
}

static void test_cutoffs_and_reasons(void **state)
{
	struct ob_backtest bt = {0};
	const char *no_login[] = {"No login", "No login"}, *light[] = {"Light"};
	struct ob_cutoff c;
	(void)state;
	/* Red: 2 churned, 1 retained; yellow 1 of 2; green 1 of 3. */
	ob_backtest_add(&bt, OB_RED, true, no_login, 2);
	ob_backtest_add(&bt, OB_RED, true, no_login, 1);
	ob_backtest_add(&bt, OB_RED, false, no_login, 1);
	ob_backtest_add(&bt, OB_YELLOW, true, light, 1);
	ob_backtest_add(&bt, OB_YELLOW, false, light, 1);
	for (int i = 0; i < 3; i++)
		ob_backtest_add(&bt, OB_GREEN, i == 0, NULL, 0);
	assert_int_equal(bt.churned, 4);
	assert_int_equal(bt.retained, 4);
	ob_backtest_cutoff(&bt, false, &c);
	assert_int_equal(c.tp, 3);
	assert_int_equal(c.fp, 2);
	assert_int_equal(c.fn, 1);
	assert_int_equal(c.tn, 2);
	assert_float_equal(c.recall.v, 0.75, 1e-12);
	assert_float_equal(c.precision.v, 0.6, 1e-12);
	assert_float_equal(c.false_alarm_rate.v, 0.5, 1e-12);
	assert_float_equal(c.lift.v, 1.2, 1e-12);
	ob_backtest_cutoff(&bt, true, &c);
	assert_int_equal(c.tp, 2);
	assert_int_equal(c.fp, 1);
	assert_float_equal(c.lift.v, 4.0 / 3, 1e-12);
	ob_backtest_finish(&bt);
	/* By lift, the repeated reason counted once per account. */
	assert_int_equal(bt.nreasons, 2);
	assert_string_equal(bt.reasons[0].reason, "No login");
	assert_int_equal(bt.reasons[0].churned, 2);
	assert_int_equal(bt.reasons[0].retained, 1);
	assert_float_equal(bt.reasons[1].lift.v, 1.0, 1e-12);
	ob_backtest_release(&bt);
}

static void test_lead_percentiles(void **state)
{
	struct ob_backtest bt = {0};
	static const int leads[] = {22, 17, 21, 19};
	(void)state;
	ob_backtest_lead(&bt, 5);
	assert_float_equal(ob_backtest_lead_percentile(&bt, 25).v, 5, 1e-12);
	bt.nleads = 0;
	for (int i = 0; i < 4; i++)
		ob_backtest_lead(&bt, leads[i]);
	/* Between the closest ranks of 17 19 21 22. */
	assert_float_equal(ob_backtest_lead_percentile(&bt, 50).v, 20, 1e-12);
	assert_float_equal(ob_backtest_lead_percentile(&bt, 25).v, 18.5, 1e-12);
	assert_float_equal(ob_backtest_lead_percentile(&bt, 75).v, 21.25,
			   1e-12);
	assert_float_equal(ob_backtest_lead_percentile(&bt, 100).v, 22, 1e-12);
	ob_backtest_release(&bt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_has_no_ratios),
		cmocka_unit_test(test_cutoffs_and_reasons),
		cmocka_unit_test(test_lead_percentiles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
