/* support_cli.c: running the basin command in-process for the tests of the command line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support_cli.h"

#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>

support_cli_result support_cli(const char *first, ...)
{
    char *argv[64] = {"basin"};
    int argc = 1;
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a && argc < 63; a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    va_end(ap);
    support_cli_result r = {0};
    size_t out_len, err_len;
    FILE *out = open_memstream(&r.out, &out_len), *err = open_memstream(&r.err, &err_len);
    assert_true(out && err);
    r.status = basin_cli_main(argc, argv, out, err);
    fclose(out);
    fclose(err);
    return r;
}

void support_cli_free(support_cli_result *r)
{
    free(r->out);
    free(r->err);
}
