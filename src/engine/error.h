/* error.h: the engine's last error message, set where a failure happens and fetched by the caller.
 * The engine and lab never print or exit; they return a status (or NULL) and leave a message here. */
#ifndef BASIN_ERROR_H
#define BASIN_ERROR_H

/* Records a printf-style message for this thread, replacing the previous one (which the arguments may
 * include). Can't fail (truncates). */
void basin_error_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Returns this thread's last message ("" when none); valid until the next basin_error_set. */
const char *basin_error_message(void);

/* Programmer errors (shape mismatches, misuse of an API) abort with file and line; never bad input. */
#define BASIN_ASSERT(cond) \
    ((cond) ? (void)0 : basin_assert_fail(#cond, __FILE__, __LINE__))
_Noreturn void basin_assert_fail(const char *cond, const char *file, int line);

#endif
