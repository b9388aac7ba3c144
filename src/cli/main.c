/* main.c: the `basin` executable. */
#include "cli.h"

int main(int argc, char **argv)
{
    return basin_cli_main(argc, argv, stdout, stderr);
}
