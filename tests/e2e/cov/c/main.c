/*
 * The program the gcc coverage test runs once: some grades, never an
 * out-of-range score or an 'F', so some branches stay untaken.
 */
#include <stdio.h>

#include "grade.h"

int main(int argc, char *argv[])
{
	int scores[] = {95, 80, 60};
	int i;

	(void)argv;
	for (i = 0; i < 3; i++)
		printf("%d %c\n", scores[i], grade_letter(scores[i]));
	printf("sum %d\n", grade_sum(scores, 3));
	if (argc > 5)
		printf("many arguments\n");
	return 0;
}
