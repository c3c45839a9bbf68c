/* transport-module.c: the table dsrmail-transport.so exports (see
 * transport.h); the module is built from this file, imap*.c, oauth2*.c
 * and smtp.c, everything in it hidden but this. */
#include "mail/transport.h"

__attribute__((visibility("default"))) extern const struct transport transport_module;

const struct transport transport_module = {
	imap_connect,
	imap_close,
	imap_can_idle,
	imap_folder_ensure,
	imap_select,
	imap_list,
	imap_background_start,
	imap_background_finish,
	imap_idle_wait,
	imap_mails_free,
	smtp_open,
	smtp_send,
	smtp_token_error,
	smtp_close,
	oauth2_state_read,
	oauth2_state_clear,
	oauth2_login,
};
