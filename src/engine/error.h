/* error.h: the engine's last error message, set where a failure happens and fetched by the caller.
 * The engine and lab never print or exit; they return a status (or NULL) and leave a message here. */
#ifndef BASIN_ERROR_H
#define BASIN_ERROR_H

#include <stddef.h>

/* Records a printf-style message for this thread, replacing the previous one (which the arguments may
 * include), cleaned by basin_message_clean. Can't fail (truncates). */
void basin_error_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Bytes of one token (a run without spaces) a message shows: longer ones keep their start and end. */
#define BASIN_TOKEN_SHOWN 96

/* Copies the message in to out (size bytes, NUL-terminated, truncated to fit) on one line: control bytes
 * become \n, \t, \r or \xNN, and a token longer than BASIN_TOKEN_SHOWN bytes keeps its first three
 * quarters and last quarter around "…(N bytes)…". Returns the length it wanted. Can't fail. */
size_t basin_message_clean(char *out, size_t size, const char *in);

/* Returns this thread's last message ("" when none); valid until the next basin_error_set. */
const char *basin_error_message(void);

/* Programmer errors (shape mismatches, misuse of an API) abort with file and line; never bad input. */
#define BASIN_ASSERT(cond) \
    ((cond) ? (void)0 : basin_assert_fail(#cond, __FILE__, __LINE__))
_Noreturn void basin_assert_fail(const char *cond, const char *file, int line);

#endif
