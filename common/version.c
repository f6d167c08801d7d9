#include "version.h"

#include <curl/curl.h>
#include <expat.h>
#include <jansson.h>
#include <mbedtls/version.h>
#include <string.h>
#include <yaml.h>

#ifndef DA_VERSION
#define DA_VERSION "0.0.0"
#endif
#ifndef DA_GIT_REV
#define DA_GIT_REV "unknown"
#endif

const char *da_version(void)
{
	return DA_VERSION;
}

const char *da_version_rev(void)
{
	return DA_GIT_REV;
}

int da_version_text(const char *tool, struct da_buf *out)
{
	const curl_version_info_data *curl = curl_version_info(CURLVERSION_NOW);
	/* mbedtls_version_get_string() wants 9 bytes; keep room to spare. */
	char tls[32] = "";
	const char *expat = XML_ExpatVersion();
	int r;

	mbedtls_version_get_string(tls);
	/* XML_ExpatVersion() says "expat_2.8.3"; print it like the others. */
	if (strncmp(expat, "expat_", 6) == 0)
		expat += 6;
	r = da_buf_addf(out, "%s %s (rev %s)\n", tool, DA_VERSION, DA_GIT_REV);
	if (r < 0)
		return r;
	return da_buf_addf(out,
			   "libcurl/%s mbedTLS/%s jansson/%s "
			   "libyaml/%s expat/%s\n",
			   curl && curl->version ? curl->version : "unknown",
			   tls[0] ? tls : "unknown", jansson_version_str(),
			   yaml_get_version_string(), expat);
}
