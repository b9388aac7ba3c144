/* output_file.c: cairo's stream writers into an atomic output file. */
#include "output_file.h"

cairo_status_t basin_output_cairo_write(void *closure, const unsigned char *data, unsigned int length)
{
    return fwrite(data, 1, length, closure) == length ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}
