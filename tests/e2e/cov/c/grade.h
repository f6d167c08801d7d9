#ifndef GRADE_H
#define GRADE_H

char grade_letter(int score);
int grade_sum(const int *scores, int n);
int grade_curve(int score, int bonus);

#endif
