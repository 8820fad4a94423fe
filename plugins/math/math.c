/*
 * math.c - the math plugin: arithmetic on numbers for plans that need to
 * compute (add, sub, mul, div, sum, min, max, round).
 *
 * Parameters are declared float, so the host converts an int argument to a
 * float before the callback runs (and refuses ints beyond 2^53 that a double
 * cannot hold exactly); every result is a float, "3.0" rather than "3", so
 * a result's type never depends on its value. A result that overflows a
 * double is KEEL_ERANGE rather than infinity (which JSON cannot carry), and
 * -0.0 is returned as 0.0.
 */
#include <keel/plugin.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define KEEL_PURE KEEL_EFFECT_IDEMPOTENT

static double num_arg(const keel_host_api *api, const keel_value *args,
                     const char *name)
{
    double d = 0;
    (void)api->get_number(api->object_get(args, name), &d);
    return d;
}

/* The float result r, or KEEL_ERANGE when it is not finite. what says
 * what overflowed. */
static int float_result(const keel_host_api *api, keel_call *call, double r,
                        const char *what, keel_value **result)
{
    if (!isfinite(r))
        return api->set_error(call, KEEL_ERANGE,
                              "%s overflows a double (beyond +/-%g)", what,
                              DBL_MAX);
    *result = api->new_float(call, r == 0 ? 0.0 : r);
    return *result ? 0 : KEEL_ENOMEM;
}

/* ---- a op b ---- */

typedef double (*binop)(double a, double b);

static double op_add(double a, double b) { return a + b; }
static double op_sub(double a, double b) { return a - b; }
static double op_mul(double a, double b) { return a * b; }
static double op_div(double a, double b) { return a / b; }

static int binary(const keel_host_api *api, keel_call *call,
                  const keel_value *args, keel_value **result, binop op,
                  const char *what)
{
    double a = num_arg(api, args, "a"), b = num_arg(api, args, "b");
    if (!isfinite(a) || !isfinite(b))
        return api->set_error(call, KEEL_EINVAL, "'%s' is not a finite number",
                              isfinite(a) ? "b" : "a");
    return float_result(api, call, op(a, b), what, result);
}

static int math_add(const keel_host_api *api, keel_call *call,
                    const keel_value *args, keel_value **result)
{
    return binary(api, call, args, result, op_add, "a + b");
}

static int math_sub(const keel_host_api *api, keel_call *call,
                    const keel_value *args, keel_value **result)
{
    return binary(api, call, args, result, op_sub, "a - b");
}

static int math_mul(const keel_host_api *api, keel_call *call,
                    const keel_value *args, keel_value **result)
{
    return binary(api, call, args, result, op_mul, "a * b");
}

static int math_div(const keel_host_api *api, keel_call *call,
                    const keel_value *args, keel_value **result)
{
    if (num_arg(api, args, "b") == 0)
        return api->set_error(call, KEEL_EINVAL,
                              "division by zero: 'b' must not be 0");
    return binary(api, call, args, result, op_div, "a / b");
}

/* ---- folds over a list ---- */

/* Reads item i of the 'values' list into *d. The host has checked that
 * every item is a number; a non-finite one can only come from an embedding
 * application. */
static int item_at(const keel_host_api *api, keel_call *call,
                   const keel_value *values, size_t i, double *d)
{
    if (api->get_number(api->list_at(values, i), d) != 0 || !isfinite(*d))
        return api->set_error(call, KEEL_EINVAL,
                              "'values' item %zu is not a finite number", i);
    return 0;
}

static int math_sum(const keel_host_api *api, keel_call *call,
                    const keel_value *args, keel_value **result)
{
    const keel_value *values = api->object_get(args, "values");
    double total = 0, d;
    for (size_t i = 0; i < api->list_len(values); i++) {
        int rc = item_at(api, call, values, i, &d);
        if (rc)
            return rc;
        total += d;
    }
    return float_result(api, call, total, "the sum of 'values'", result);
}

/* min (sign 1) or max (sign -1) of a non-empty list. */
static int extreme(const keel_host_api *api, keel_call *call,
                   const keel_value *args, keel_value **result, int sign)
{
    const keel_value *values = api->object_get(args, "values");
    size_t n = api->list_len(values);
    if (n == 0)
        return api->set_error(call, KEEL_EINVAL,
                              "'values' is empty: give at least one number");
    double best = 0, d;
    for (size_t i = 0; i < n; i++) {
        int rc = item_at(api, call, values, i, &d);
        if (rc)
            return rc;
        if (i == 0 || (sign > 0 ? d < best : d > best))
            best = d;
    }
    return float_result(api, call, best, "the result", result);
}

static int math_min(const keel_host_api *api, keel_call *call,
                    const keel_value *args, keel_value **result)
{
    return extreme(api, call, args, result, 1);
}

static int math_max(const keel_host_api *api, keel_call *call,
                    const keel_value *args, keel_value **result)
{
    return extreme(api, call, args, result, -1);
}

/* ---- round ----
 * Rounding works on the shortest decimal that reads back as x, which is
 * what JSON showed, so round(2.675, 2) is 2.68 and round(1.005, 2) is 1.01
 * as written, not 2.67 and 1.0 as the binary values happen to fall. */

/* Up to 17 significant digits and a sign, exponent, point and NUL. */
#define DECIMAL_MAX 40

/* The shortest "%e" form of x that reads back exactly: its digits (no
 * point, no sign) into d, returning how many; *exp is the power of ten of
 * the first digit. */
static size_t shortest_digits(char d[DECIMAL_MAX], int *exp, double x)
{
    char s[DECIMAL_MAX];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(s, sizeof(s), "%.*e", prec - 1, fabs(x));
        if (strtod(s, NULL) == fabs(x))
            break;
    }
    size_t n = 0;
    const char *p = s;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9') /* skips the point, whatever locale */
            d[n++] = *p;
    *exp = (int)strtol(p + 1, NULL, 10);
    return n;
}

/* x rounded to 'digits' decimal places (negative: to tens, hundreds...),
 * halves away from zero. */
static double round_decimal(double x, int digits)
{
    char d[DECIMAL_MAX], out[DECIMAL_MAX + 16];
    int exp;
    size_t n = shortest_digits(d, &exp, x);
    long keep = (long)exp + 1 + digits; /* significant digits kept */
    if (keep >= (long)n)
        return x;
    bool up = keep >= 0 && d[keep] >= '5';
    for (long i = keep - 1; up && i >= 0; i--) {
        if (d[i] == '9') {
            d[i] = '0'; /* and carry on */
        } else {
            d[i]++;
            up = false;
        }
    }
    if (keep <= 0 && !up)
        return 0.0;
    if (up) /* carried past the first digit: 10^(exp + 1) */
        snprintf(out, sizeof(out), "1e%d", exp + 1);
    else
        snprintf(out, sizeof(out), "%.*se%ld", (int)keep, d,
                 (long)exp + 1 - keep);
    double r = strtod(out, NULL);
    return x < 0 ? -r : r;
}

static int math_round(const keel_host_api *api, keel_call *call,
                      const keel_value *args, keel_value **result)
{
    double x = num_arg(api, args, "x");
    int64_t digits = 0;
    (void)api->get_int(api->object_get(args, "digits"), &digits);
    if (!isfinite(x))
        return api->set_error(call, KEEL_EINVAL, "'x' is not a finite number");
    if (digits < -15 || digits > 15)
        return api->set_error(call, KEEL_ERANGE,
                              "'digits' must be between -15 and 15, got %lld",
                              (long long)digits);
    return float_result(api, call, round_decimal(x, (int)digits),
                        "the rounded value", result);
}

/* ---- descriptor ---- */

static const keel_param p_ab[] = {
    {"a", KEEL_TYPE_FLOAT, "The first operand.", true, NULL, NULL, NULL},
    {"b", KEEL_TYPE_FLOAT, "The second operand.", true, NULL, NULL, NULL},
};

static const keel_param p_div[] = {
    {"a", KEEL_TYPE_FLOAT, "The dividend.", true, NULL, NULL, NULL},
    {"b", KEEL_TYPE_FLOAT, "The divisor; must not be 0.", true, NULL, NULL,
     NULL},
};

static const keel_param p_values[] = {
    {"values", KEEL_TYPE_LIST, "The numbers (ints or floats).", true, NULL,
     "{\"items\":{\"type\":\"number\"}}", NULL},
};

static const keel_param p_values_nonempty[] = {
    {"values", KEEL_TYPE_LIST, "The numbers (ints or floats); at least one.",
     true, NULL, "{\"minItems\":1,\"items\":{\"type\":\"number\"}}", NULL},
};

static const keel_param p_round[] = {
    {"x", KEEL_TYPE_FLOAT, "The number to round.", true, NULL, NULL, NULL},
    {"digits", KEEL_TYPE_INT, "Decimal places to keep; negative rounds to "
     "tens (-1), hundreds (-2)...", false, "0",
     "{\"minimum\":-15,\"maximum\":15}", NULL},
};

#define PARAMS(a) a, KEEL_COUNTOF(a)
#define FLOAT_RESULT KEEL_TYPE_FLOAT, NULL, KEEL_PURE, false

static const keel_function functions[] = {
    {"add", "Returns a + b as a float (add(2, 3) gives 5.0). Fails with a "
     "range error if the result overflows a double.", PARAMS(p_ab),
     FLOAT_RESULT, math_add},
    {"sub", "Returns a - b as a float (sub(2, 3) gives -1.0). Fails with a "
     "range error if the result overflows a double.", PARAMS(p_ab),
     FLOAT_RESULT, math_sub},
    {"mul", "Returns a * b as a float (mul(2, 3) gives 6.0). Fails with a "
     "range error if the result overflows a double.", PARAMS(p_ab),
     FLOAT_RESULT, math_mul},
    {"div", "Returns a / b as a float (div(7, 2) gives 3.5). Fails if b is "
     "0. Use round on the result to get fewer decimals.", PARAMS(p_div),
     FLOAT_RESULT, math_div},
    {"sum", "Returns the sum of a list of numbers as a float; an empty list "
     "gives 0.0.", PARAMS(p_values), FLOAT_RESULT, math_sum},
    {"min", "Returns the smallest of a non-empty list of numbers, as a "
     "float.", PARAMS(p_values_nonempty), FLOAT_RESULT, math_min},
    {"max", "Returns the largest of a non-empty list of numbers, as a "
     "float.", PARAMS(p_values_nonempty), FLOAT_RESULT, math_max},
    {"round", "Rounds x to 'digits' decimal places (default 0), halves away "
     "from zero, as the number is written in decimal, and returns a float: "
     "round(2.5) gives 3.0, round(2.675, 2) gives 2.68, round(1234, -2) "
     "gives 1200.0.", PARAMS(p_round), FLOAT_RESULT, math_round},
};

static const keel_plugin math_plugin = {
    .abi = KEEL_ABI_STAMP,
    .name = "math",
    .version = "1.0.0",
    .description = "Pure arithmetic on numbers: add, sub, mul, div, sum, min, "
                   "max and round. Results are floats.",
    .functions = functions,
    .n_functions = KEEL_COUNTOF(functions),
};

KEEL_PLUGIN_EXPORT(math_plugin);
