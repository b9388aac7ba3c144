/* support_cli.h: the basin command run in-process, for the tests of the command line (links the CLI). */
#ifndef BASIN_TEST_SUPPORT_CLI_H
#define BASIN_TEST_SUPPORT_CLI_H

#include "support.h"

/* What `basin ARGS...` (run in-process, NULL-terminated arguments) returned and wrote. */
typedef struct support_cli_result {
    int status;
    char *out, *err;
} support_cli_result;
support_cli_result support_cli(const char *first, ...);
void support_cli_free(support_cli_result *r);

/* Expects exit status 2, nothing on stdout and exactly one line on stderr containing fragment. */
#define expect_usage_error(fragment, ...)                                                              \
    do {                                                                                               \
        support_cli_result r_ = support_cli(__VA_ARGS__, NULL);                                        \
        if (r_.status != 2 || support_count_lines(r_.err) != 1 || !strstr(r_.err, fragment) || *r_.out) \
            fail_msg("status %d, stderr '%s' (want one line with '%s'), stdout '%.60s'", r_.status,     \
                     r_.err, fragment, r_.out);                                                        \
        support_cli_free(&r_);                                                                         \
    } while (0)

#endif
