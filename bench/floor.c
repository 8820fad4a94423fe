/*
 * floor.c - the least any program pays on this machine for linking keel's
 * required libraries: a C program that links Debian's libcurl, libxml2,
 * libldap and cJSON, as libkeel does, initialises libcurl as keel's LLM
 * client does (curl_global_init) and exits. bench_goal runs it beside
 * `keel goal` so that the part of keel's overhead that is loading these
 * libraries, which keel's code cannot change, is measured, not guessed.
 */
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <ldap.h>
#include <libxml/xmlversion.h>

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return 1;
    /* one call into each library, so that each is needed and loaded */
    xmlCheckVersion(LIBXML_VERSION);
    LDAPAPIInfo info = {.ldapai_info_version = LDAP_API_INFO_VERSION};
    int rc =
        ldap_get_option(NULL, LDAP_OPT_API_INFO, &info) == LDAP_OPT_SUCCESS;
    if (rc) {
        ldap_memfree(info.ldapai_vendor_name);
        ldap_memvfree((void **)info.ldapai_extensions);
    }
    if (argc > 1 && strcmp(argv[1], "-v") == 0) /* say what was loaded */
        printf("curl %s, libxml2 %s, OpenLDAP API %d, cJSON %s\n",
               curl_version_info(CURLVERSION_NOW)->version,
               LIBXML_DOTTED_VERSION, rc ? info.ldapai_api_version : 0,
               cJSON_Version());
    curl_global_cleanup();
    return 0;
}
