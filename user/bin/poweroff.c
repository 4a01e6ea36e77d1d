/* poweroff [-f]: sync and power the machine off (reboot(2), no init involved). */
#include <stdio.h>
#include <sys/reboot.h>
#include <unistd.h>

int main(void)
{
	sync();
	reboot(RB_POWER_OFF);
	perror("poweroff");
	return 1;
}
