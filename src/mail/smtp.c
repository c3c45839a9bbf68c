/* smtp.c: one libcurl easy handle per batch (see smtp.h). */
#include <string.h>

#include <curl/curl.h>

#include "base/error.h"
#include "base/log.h"
#include "mail/oauth2.h"
#include "mail/smtp.h"

struct smtp {
	CURL *curl;
	const struct config *config;
	char *from;                 /* "<registry address>" */
	char *password;
	char *token;                /* [smtp] auth = oauth2: the access token */
	gboolean token_refreshed;   /* a refused token was refreshed once */
	GError *token_error;        /* why there is no token */
	char error_buffer[CURL_ERROR_SIZE];
	char *last_reply;           /* the server's last reply line */
};

/* The mail being uploaded. */
struct upload {
	const char *data;
	gsize size;
	gsize offset;
};

/* Feed the mail to libcurl (CURLOPT_READFUNCTION). */
static size_t
upload_read(char *buffer, size_t size, size_t count, void *pointer)
{
	struct upload *upload = pointer;
	size_t length = MIN(size * count, upload->size - upload->offset);

	memcpy(buffer, upload->data + upload->offset, length);
	upload->offset += length;
	return length;
}

/* Keep the server's last reply line, for last_error (CURLOPT_DEBUGFUNCTION). */
static int
reply_watch(CURL *curl, curl_infotype type, char *data, size_t size,
    void *pointer)
{
	struct smtp *smtp = pointer;

	(void)curl;
	if (type == CURLINFO_HEADER_IN && size >= 3) {
		g_free(smtp->last_reply);
		smtp->last_reply = g_strstrip(g_strndup(data, size));
	}
	return 0;
}

/* Read the first line of the password file. */
static char *
password_read(const char *path, GError **error)
{
	g_autofree char *text = NULL;
	g_autoptr(GError) local = NULL;

	if (!g_file_get_contents(path, &text, NULL, &local)) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "[smtp] password_file: "
		    "%s; write the SMTP password in it (mode 0600)", local->message);
		return NULL;
	}
	text[strcspn(text, "\r\n")] = '\0';
	return g_steal_pointer(&text);
}

/* Set the options every mail of the session shares. */
static void
smtp_configure(struct smtp *smtp, const struct config *config)
{
	CURL *curl = smtp->curl;

	curl_easy_setopt(curl, CURLOPT_URL, config->smtp_url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)(
	    config->smtp_starttls == TLS_REQUIRED ? CURLUSESSL_ALL :
	    config->smtp_starttls == TLS_YES ? CURLUSESSL_TRY : CURLUSESSL_NONE));
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
	if (config->smtp_ca_file != NULL)
		curl_easy_setopt(curl, CURLOPT_CAINFO, config->smtp_ca_file);
	if (config->smtp_user != NULL && *config->smtp_user != '\0') {
		curl_easy_setopt(curl, CURLOPT_USERNAME, config->smtp_user);
		if (config->smtp_auth == AUTH_PASSWORD)
			curl_easy_setopt(curl, CURLOPT_PASSWORD, smtp->password);
	}
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, smtp->from);
	curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(curl, CURLOPT_READFUNCTION, upload_read);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 30L);
	/* A server that stalls for a minute is treated as gone. */
	curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, smtp->error_buffer);
	curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, reply_watch);
	curl_easy_setopt(curl, CURLOPT_DEBUGDATA, smtp);
	curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);   /* feeds reply_watch only */
}

/* Open a session. */
struct smtp *
smtp_open(const struct config *config, GError **error)
{
	struct smtp *smtp;

	if (config->smtp_auth == AUTH_OAUTH2 &&
	    (config->smtp_user == NULL || *config->smtp_user == '\0')) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "[smtp] auth = oauth2 "
		    "but [smtp] user is not set; add user = the mailbox address "
		    "dsrmail sends as");
		return NULL;
	}
	if (config->smtp_auth == AUTH_PASSWORD && config->smtp_user != NULL &&
	    *config->smtp_user != '\0' && config->smtp_password_file == NULL) {
		g_set_error(error, DSR_ERROR, DSR_ERROR_CONFIG, "[smtp] user is set "
		    "but password_file is not; add password_file = FILE");
		return NULL;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	smtp = g_new0(struct smtp, 1);
	smtp->config = config;
	smtp->from = g_strdup_printf("<%s>", config->registry_address);
	if (config->smtp_auth == AUTH_PASSWORD && config->smtp_password_file != NULL &&
	    (smtp->password = password_read(config->smtp_password_file, error)) == NULL)
		goto fail;
	if ((smtp->curl = curl_easy_init()) == NULL)
		dsr_fatal("curl_easy_init failed (out of memory)");
	smtp_configure(smtp, config);
	return smtp;
fail:
	smtp_close(smtp);
	return NULL;
}

/* Class a failed transfer: a refused login and the transport's failures
 * first (a 535 to AUTH is the account's fault, not the mail's), then the
 * server's code (libcurl reports a refusal after DATA as
 * CURLE_WEIRD_SERVER_REPLY, the code is in CURLINFO_RESPONSE_CODE). */
static enum smtp_outcome
outcome_classify(CURLcode rc, long code)
{
	switch (rc) {
	case CURLE_LOGIN_DENIED:
		return SMTP_LOGIN_REFUSED;
	case CURLE_COULDNT_RESOLVE_HOST: case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT: case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SSL_CONNECT_ERROR: case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_USE_SSL_FAILED: case CURLE_SSL_CACERT_BADFILE:
	case CURLE_GOT_NOTHING:
	case CURLE_UNSUPPORTED_PROTOCOL: case CURLE_URL_MALFORMAT:
		return SMTP_UNREACHABLE;
	default:
		break;
	}
	if (code >= 500 && code < 600)
		return SMTP_PERMANENT;
	return SMTP_TEMPORARY;
}

/* [smtp] auth = oauth2: have an access token (refused: the one a server
 * has just refused, to be replaced) and hand it to libcurl. 0, or -1 with
 * smtp->token_error set. Nothing to do for a password session. */
static int
smtp_token_get(struct smtp *smtp, const char *refused)
{
	char *token;

	if (smtp->config->smtp_auth != AUTH_OAUTH2 || (smtp->token != NULL &&
	    refused == NULL))
		return 0;
	g_clear_error(&smtp->token_error);
	if ((token = oauth2_access_token(smtp->config, refused,
	    &smtp->token_error)) == NULL)
		return -1;
	oauth2_secret_free(smtp->token);
	smtp->token = token;
	curl_easy_setopt(smtp->curl, CURLOPT_XOAUTH2_BEARER, smtp->token);
	return 0;
}

/* One transfer; the server's last reply code in *code. */
static CURLcode
smtp_perform(struct smtp *smtp, long *code)
{
	CURLcode rc;

	smtp->error_buffer[0] = '\0';
	g_clear_pointer(&smtp->last_reply, g_free);
	rc = curl_easy_perform(smtp->curl);
	curl_easy_getinfo(smtp->curl, CURLINFO_RESPONSE_CODE, code);
	return rc;
}

/* Why there is no token. */
const GError *
smtp_token_error(const struct smtp *smtp)
{
	return smtp->token_error;
}

/* Send one mail over the session's connection. */
enum smtp_outcome
smtp_send(struct smtp *smtp, const char *recipient, GBytes *raw, char **answer)
{
	struct upload upload = { 0 };
	g_autofree char *rcpt = g_strdup_printf("<%s>", recipient);
	struct curl_slist *recipients = curl_slist_append(NULL, rcpt);
	enum smtp_outcome outcome;
	long code = 0;
	CURLcode rc;

	upload.data = g_bytes_get_data(raw, &upload.size);
	if (smtp_token_get(smtp, NULL) < 0) {
		curl_slist_free_all(recipients);
		*answer = g_strdup(smtp->token_error->message);
		return SMTP_NO_TOKEN;
	}
	curl_easy_setopt(smtp->curl, CURLOPT_MAIL_RCPT, recipients);
	curl_easy_setopt(smtp->curl, CURLOPT_READDATA, &upload);
	curl_easy_setopt(smtp->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)upload.size);
	rc = smtp_perform(smtp, &code);
	if (rc == CURLE_LOGIN_DENIED && smtp->token != NULL && !smtp->token_refreshed) {
		/* The server refused the token: refresh it once, send again. */
		smtp->token_refreshed = TRUE;
		log_info("smtp: the server refused the access token; refreshing it");
		if (smtp_token_get(smtp, smtp->token) < 0) {
			curl_easy_setopt(smtp->curl, CURLOPT_MAIL_RCPT, NULL);
			curl_slist_free_all(recipients);
			*answer = g_strdup(smtp->token_error->message);
			return SMTP_NO_TOKEN;
		}
		upload.offset = 0;
		rc = smtp_perform(smtp, &code);
	}
	curl_easy_setopt(smtp->curl, CURLOPT_MAIL_RCPT, NULL);
	curl_slist_free_all(recipients);
	outcome = rc == CURLE_OK ? SMTP_SENT : outcome_classify(rc, code);
	if (outcome == SMTP_SENT || (code >= 400 && smtp->last_reply != NULL))
		*answer = g_strdup(smtp->last_reply ? smtp->last_reply : "250");
	else
		*answer = g_strdup_printf("%s (curl %d)", smtp->error_buffer[0] ?
		    smtp->error_buffer : curl_easy_strerror(rc), (int)rc);
	return outcome;
}

/* Close the session. */
void
smtp_close(struct smtp *smtp)
{
	if (smtp == NULL)
		return;
	if (smtp->curl != NULL)
		curl_easy_cleanup(smtp->curl);
	if (smtp->password != NULL)
		memset(smtp->password, 0, strlen(smtp->password));
	g_free(smtp->password);
	oauth2_secret_free(smtp->token);
	g_clear_error(&smtp->token_error);
	g_free(smtp->from);
	g_free(smtp->last_reply);
	g_free(smtp);
}
