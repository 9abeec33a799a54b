/* cmd_transcript.c: placeholder while the module is written (replaced in this session). */
#include "cli.h"

int cmd_transcript(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'transcript' is not built yet");
	return 1;
}
