/* cmd_when.c: placeholder while the module is written (replaced in this session). */
#include "cli.h"

int cmd_when(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'when' is not built yet");
	return 1;
}
