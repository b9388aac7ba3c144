/* assets.h: finding the files Basin ships under assets/, whether it runs from the build tree or is
 * installed. */
#ifndef BASIN_ASSETS_H
#define BASIN_ASSETS_H

#include <stddef.h>

/* Writes the path of assets/relative into buf: $BASIN_ASSETS when set, else the installed data folder
 * (beside the executable: ../share/basin), else the source tree's assets/. Returns 0, or -1 with a
 * message listing the places looked in. */
int basin_asset_path(const char *relative, char *buf, size_t size);

#endif
