/*
 * rk_banned.h - functions releasekit code must not call.
 *
 * Included last by rk_common.h, so any use of these in lib/ or cmd/ fails to
 * compile. Each has a bounded or reentrant replacement: rk_buf_addf or
 * snprintf for sprintf, rk_buf for strcpy/strcat, gmtime_r/localtime_r.
 * scripts/check-banned is the same list for `make lint`.
 */
#ifndef RK_BANNED_H
#define RK_BANNED_H

#define RK_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) RK_BANNED(strcpy)
#undef strcat
#define strcat(x, y) RK_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) RK_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) RK_BANNED(strncat)
#undef sprintf
#define sprintf(...) RK_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) RK_BANNED(vsprintf)
#undef gets
#define gets(x) RK_BANNED(gets)
#undef strtok
#define strtok(x, y) RK_BANNED(strtok)
#undef gmtime
#define gmtime(t) RK_BANNED(gmtime)
#undef localtime
#define localtime(t) RK_BANNED(localtime)
#undef asctime
#define asctime(t) RK_BANNED(asctime)
#undef ctime
#define ctime(t) RK_BANNED(ctime)
#undef system
#define system(x) RK_BANNED(system)

#endif
