/*
 * time_internal.h - what the time plugin's files share: reading and writing
 * RFC 3339 timestamps (rfc3339.c) for the callbacks in time.c.
 */
#ifndef KEEL_PLUGIN_TIME_INTERNAL_H
#define KEEL_PLUGIN_TIME_INTERNAL_H

#include <keel/plugin.h>

#include <time.h>

/* Room for "YYYY-MM-DDTHH:MM:SS+hh:mm" and its NUL. */
#define RFC3339_MAX 32

/* Parses a UTC offset: "Z", "z", "+hh:mm" or "-hh:mm" (hh 00-23, mm 00-59)
 * into seconds east of UTC. */
bool rfc3339_offset(int *secs, const char *s, size_t len);

/* Parses RFC 3339 "YYYY-MM-DDTHH:MM:SS[.frac](Z|+hh:mm|-hh:mm)" (T may be
 * t or a space; the fraction is dropped) into seconds since the epoch.
 * Returns 0, or -1 with the reason in why (one phrase, no input echoed). */
int rfc3339_parse(int64_t *unix_secs, const char *s, size_t len, char *why,
                  size_t why_cap);

/* Writes unix_secs as seen at offset secs east of UTC: "...Z" for 0, else
 * "...+hh:mm". Returns 0, or -1 when the year falls outside 0000-9999. */
int rfc3339_format(char buf[RFC3339_MAX], int64_t unix_secs, int offset);

/* Broken-down UTC time of unix_secs, or false outside years 0000-9999. */
bool time_utc(struct tm *tm, int64_t unix_secs);

#endif
