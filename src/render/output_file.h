/* output_file.h: atomic output files (lab/output_file.h) plus the cairo stream writer that feeds them. */
#ifndef BASIN_RENDER_OUTPUT_FILE_H
#define BASIN_RENDER_OUTPUT_FILE_H

#include "lab/output_file.h"

#include <cairo.h>

/* A cairo_write_func_t that writes to the FILE * closure (cairo's PNG, SVG and PDF stream writers). */
cairo_status_t basin_output_cairo_write(void *closure, const unsigned char *data, unsigned int length);

#endif
