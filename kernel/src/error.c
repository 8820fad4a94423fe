/*
 * error.c - keel_error: fixed-buffer error messages that never allocate.
 */
#include <keel/keel.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int keel_error_set(keel_error *err, int code, const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return code;
}

int keel_error_prefix(keel_error *err, const char *fmt, ...)
{
    if (!err)
        return KEEL_EINVAL;
    char prefix[KEEL_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    size_t p = strlen(prefix), m = strlen(err->msg);
    if (p + 2 >= sizeof(err->msg))
        p = sizeof(err->msg) - 3;
    size_t keep = sizeof(err->msg) - 1 - p - 2;
    if (m < keep)
        keep = m;
    memmove(err->msg + p + 2, err->msg, keep);
    memcpy(err->msg, prefix, p);
    memcpy(err->msg + p, ": ", 2);
    err->msg[p + 2 + keep] = '\0';
    return err->code;
}

/* Indexed by -code; append-only like the codes themselves. */
static const char *const error_names[] = {
    "success",
    "invalid input",
    "out of memory",
    "not found",
    "I/O error",
    "incompatible plugin ABI",
    "refused as unsafe",
    "already exists",
    "wrong type",
    "out of range",
    "function failed",
    "malformed plugin descriptor",
    "denied by policy",
    "waiting for approval",
    "service unavailable",
    "authentication failed",
    "timed out",
    "canceled",
};

const char *keel_strerror(int code)
{
    size_t i = code <= 0 ? (size_t)(-(long)code) : (size_t)-1;
    if (i < sizeof(error_names) / sizeof(error_names[0]))
        return error_names[i];
    return "unknown error";
}
