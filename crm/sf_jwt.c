/*
 * sf_jwt.c: the Salesforce JWT bearer flow's assertion: the header and claims as JSON,
 * base64url, an RS256 signature over both with the PEM private key (libcrypto's
 * EVP_DigestSign), and the key file's reading (refused when group or others may read it,
 * like the configuration file). Does not send anything (salesforce.c posts the assertion).
 * Invariant: the key's bytes never reach a message and are zeroed by whoever holds them.
 */
#include "crm/sf.h"

#include <errno.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void sf_base64url(const unsigned char *s, size_t n, struct mk_buf *out)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t i = 0;
	for (; i + 2 < n; i += 3) {
		unsigned long v = (unsigned long)s[i] << 16 | (unsigned long)s[i + 1] << 8 | s[i + 2];
		char q[4] = { tab[v >> 18 & 63], tab[v >> 12 & 63], tab[v >> 6 & 63], tab[v & 63] };
		mk_buf_add(out, q, 4);
	}
	if (n - i == 1) {
		unsigned long v = (unsigned long)s[i] << 16;
		char q[2] = { tab[v >> 18 & 63], tab[v >> 12 & 63] };
		mk_buf_add(out, q, 2);
	} else if (n - i == 2) {
		unsigned long v = (unsigned long)s[i] << 16 | (unsigned long)s[i + 1] << 8;
		char q[3] = { tab[v >> 18 & 63], tab[v >> 12 & 63], tab[v >> 6 & 63] };
		mk_buf_add(out, q, 3);
	}
	if (!out->s)
		mk_buf_add(out, "", 0);
}

/* base64url of a JSON object's compact text. */
static void add_json(json_t *j, struct mk_buf *out)
{
	char *text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	sf_base64url((const unsigned char *)text, strlen(text), out);
	free(text);
}

/* The RS256 signature of data[0..n) with key, base64url, appended to out. */
static int sign_rs256(EVP_PKEY *key, const char *data, size_t n, struct mk_buf *out)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char *sig = NULL;
	size_t siglen = 0;
	int ok = md && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
		 EVP_DigestSign(md, NULL, &siglen, (const unsigned char *)data, n) == 1;
	if (ok) {
		sig = mk_malloc(siglen);
		ok = EVP_DigestSign(md, sig, &siglen, (const unsigned char *)data, n) == 1;
	}
	if (ok)
		sf_base64url(sig, siglen, out);
	free(sig);
	EVP_MD_CTX_free(md);
	return ok;
}

enum mk_err sf_jwt_sign(const char *pem, size_t len, const char *iss, const char *sub, const char *aud,
			time_t now, char **out, struct mk_diag *diag)
{
	struct mk_buf b;
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	EVP_PKEY *key = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
	json_t *head, *claims;
	enum mk_err err = MK_OK;

	*out = NULL;
	BIO_free(bio);
	if (!key || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
		mk_diag_set(diag, "", 0, SF ": SF_JWT_KEY_FILE is not a PEM RSA private key (unencrypted)");
		EVP_PKEY_free(key);
		return MK_EARG;
	}
	mk_buf_init(&b);
	head = json_pack("{s:s}", "alg", "RS256");
	claims = json_pack("{s:s, s:s, s:s, s:I}", "iss", iss, "sub", sub, "aud", aud, "exp",
			   (json_int_t)now + SF_JWT_LIFETIME_S);
	add_json(head, &b);
	mk_buf_addc(&b, '.');
	add_json(claims, &b);
	size_t signed_len = b.len;
	mk_buf_addc(&b, '.');
	if (!sign_rs256(key, b.s, signed_len, &b)) {
		mk_diag_set(diag, "", 0, SF ": cannot sign the JWT with SF_JWT_KEY_FILE");
		err = MK_EARG;
		mk_buf_release(&b);
	} else {
		*out = mk_buf_detach(&b);
	}
	json_decref(head);
	json_decref(claims);
	EVP_PKEY_free(key);
	return err;
}

enum mk_err sf_jwt_key_load(const char *path, struct mk_buf *pem, struct mk_diag *diag)
{
	struct stat sb;
	enum mk_err err = MK_EIO;
	FILE *f = fopen(path, "r");
	if (!f) {
		mk_diag_set(diag, "", 0, SF ": cannot open SF_JWT_KEY_FILE '%s': %s", path, strerror(errno));
		return MK_EIO;
	}
	if (fstat(fileno(f), &sb))
		mk_diag_set(diag, "", 0, SF ": cannot read SF_JWT_KEY_FILE '%s': %s", path, strerror(errno));
	else if ((err = sb.st_mode & 077 ? MK_EARG : MK_OK))
		mk_diag_set(diag, "", 0, SF ": key file '%s' is readable by group or others: refused (chmod 600 it)",
			    path);
	else if ((err = remote_read_all(f, SF_MAX_KEY_BYTES, pem)) == MK_ETOOBIG)
		mk_diag_set(diag, "", 0, SF ": key file '%s' is larger than 64 KiB", path);
	else if (err)
		mk_diag_set(diag, "", 0, SF ": cannot read SF_JWT_KEY_FILE '%s': %s", path, strerror(errno));
	fclose(f);
	return err;
}
