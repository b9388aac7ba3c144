/* budget.c: the machine's memory and the check against it. */
#include "budget.h"

#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

double basin_memory_limit(void)
{
    const char *env = getenv("BASIN_MEMORY_LIMIT");
    char *end;
    double limit = env ? strtod(env, &end) : 0;
    if (env && end != env && limit > 0)
        return limit;
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? 0.8 * (double)pages * (double)page : 1e18;
}

const char *basin_bytes_text(double bytes, char *buf, unsigned size)
{
    static const char *const units[] = {"bytes", "kB", "MB", "GB", "TB", "PB", "EB"};
    int u = 0;
    while (bytes >= 1000 && u < 6)
        bytes /= 1000, u++;
    snprintf(buf, size, u ? "%.3g %s" : "%.0f %s", bytes, units[u]);
    return buf;
}

int basin_budget_check(double bytes, const char *what, ...)
{
    double limit = basin_memory_limit();
    if (bytes <= limit)
        return 0;
    char name[256], need[32], have[32];
    va_list ap;
    va_start(ap, what);
    vsnprintf(name, sizeof name, what, ap);
    va_end(ap);
    basin_error_set("%s: %s needed, more than the %s this machine can give", name, basin_bytes_text(bytes, need, sizeof need),
                    basin_bytes_text(limit, have, sizeof have));
    return -1;
}
