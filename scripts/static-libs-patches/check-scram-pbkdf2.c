/*
 * Built and run by scripts/static-libs against the libpgcommon_shlib.a it has just built, before the build
 * is cached: the patched scram_SaltedPassword() (postgresql-15-scram-pbkdf2.patch) must give the same bytes
 * as PostgreSQL's own loop, written out below as it is in scram-common.c but over OpenSSL's one-shot HMAC(),
 * and as a fixed answer (RFC 7677's example password and salt, 4096 iterations; Python's
 * hashlib.pbkdf2_hmac gives the same). Exits 1 and names the case on any difference.
 */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define KEY_LEN 32

/* src/include/common/scram-common.h, declared here so no PostgreSQL header is needed. */
extern int scram_SaltedPassword(const char *password, const char *salt, int saltlen, int iterations,
                                uint8_t *result, const char **errstr);

static void original_loop(const char *password, const char *salt, int saltlen, int iterations, uint8_t *result) {
    uint8_t first[1024], ui[KEY_LEN], ui_prev[KEY_LEN];
    unsigned int len;
    memcpy(first, salt, saltlen);
    memcpy(first + saltlen, "\0\0\0\1", 4); /* INT(1), big-endian */
    HMAC(EVP_sha256(), password, strlen(password), first, saltlen + 4, ui_prev, &len);
    memcpy(result, ui_prev, KEY_LEN);
    for (int i = 2; i <= iterations; i++) {
        HMAC(EVP_sha256(), password, strlen(password), ui_prev, KEY_LEN, ui, &len);
        for (int j = 0; j < KEY_LEN; j++)
            result[j] ^= ui[j];
        memcpy(ui_prev, ui, KEY_LEN);
    }
}

static int check(const char *name, const char *password, const char *salt, int saltlen, int iterations,
                 const uint8_t *expected) {
    uint8_t patched[KEY_LEN], reference[KEY_LEN];
    const char *errstr = NULL;
    if (scram_SaltedPassword(password, salt, saltlen, iterations, patched, &errstr) != 0) {
        fprintf(stderr, "check-scram-pbkdf2: %s: scram_SaltedPassword failed: %s\n", name, errstr ? errstr : "?");
        return 1;
    }
    original_loop(password, salt, saltlen, iterations, reference);
    if (memcmp(patched, reference, KEY_LEN) != 0 || (expected && memcmp(patched, expected, KEY_LEN) != 0)) {
        fprintf(stderr, "check-scram-pbkdf2: %s: the patched SaltedPassword differs\n", name);
        return 1;
    }
    return 0;
}

int main(void) {
    /* base64 "W22ZaJ0SNY7soEsUEjb6gQ==" */
    static const char rfc7677_salt[] = {0x5b, 0x6d, 0x99, 0x68, 0x9d, 0x12, 0x35, 0x8e,
                                        (char)0xec, (char)0xa0, 0x4b, 0x14, 0x12, 0x36, (char)0xfa, (char)0x81};
    static const uint8_t rfc7677_salted[KEY_LEN] = {
        0xc4, 0xa4, 0x95, 0x10, 0x32, 0x3a, 0xb4, 0xf9, 0x52, 0xca, 0xc1, 0xfa, 0x99, 0x44, 0x19, 0x39,
        0xe7, 0x8e, 0xa7, 0x4d, 0x6b, 0xe8, 0x1d, 0xdf, 0x70, 0x96, 0xe8, 0x75, 0x13, 0xdc, 0x61, 0x5d};
    char long_password[200];
    memset(long_password, 'p', sizeof long_password - 1); /* longer than SHA-256's block: the key is hashed */
    long_password[sizeof long_password - 1] = '\0';
    int failures = 0;
    failures += check("RFC 7677 example", "pencil", rfc7677_salt, sizeof rfc7677_salt, 4096, rfc7677_salted);
    failures += check("one iteration", "pencil", rfc7677_salt, sizeof rfc7677_salt, 1, NULL);
    failures += check("empty password", "", "salt", 4, 4096, NULL);
    failures += check("password longer than a block", long_password, "NaCl", 4, 100, NULL);
    failures += check("UTF-8 password, 28-byte salt", "p\xc3\xa4ssw\xc3\xb6rd \xe2\x82\xac", "0123456789abcdefghijklmnopqr",
                      28, 10000, NULL);
    return failures ? 1 : 0;
}
