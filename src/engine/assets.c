/* assets.c: where shipped files are found. */
#include "assets.h"

#include "error.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int exists(const char *dir, const char *relative, char *buf, size_t size)
{
    int len = snprintf(buf, size, "%s/%s", dir, relative);
    return len > 0 && (size_t)len < size && access(buf, R_OK) == 0;
}

/* The installed data folder: <prefix>/share/basin for an executable at <prefix>/bin/basin. */
static int installed_dir(char *dir, size_t size)
{
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0)
        return -1;
    exe[len] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return -1;
    *slash = '\0';
    int n = snprintf(dir, size, "%s/../share/basin", exe);
    return n > 0 && (size_t)n < size ? 0 : -1;
}

int basin_asset_path(const char *relative, char *buf, size_t size)
{
    const char *env = getenv("BASIN_ASSETS");
    if (env && *env) {
        if (exists(env, relative, buf, size))
            return 0;
        basin_error_set("%s not found in BASIN_ASSETS=%s", relative, env);
        return -1;
    }
    char installed[PATH_MAX];
    if (installed_dir(installed, sizeof installed) == 0 && exists(installed, relative, buf, size))
        return 0;
    if (exists(BASIN_SOURCE_ASSETS, relative, buf, size))
        return 0;
    basin_error_set("%s not found in %s or %s (set BASIN_ASSETS to the folder holding it)", relative,
                    "../share/basin beside the executable", BASIN_SOURCE_ASSETS);
    return -1;
}
