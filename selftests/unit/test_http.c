// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the HTTP parser.  Every case is replayed whole, in 1-byte
 * runs, in seeded random runs and split at many points; all replays must
 * produce the same event log, and the whole replay must match the expected
 * log in http_golden.h (regenerate with `build/unit_tests --dump`, then
 * review every line by hand).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hlog.h"
#include "unit.h"
#include "http_golden.h"

#define MAX_STEPS	24

struct hcase {
	const char *name;
	int scan_requests;
	int nodata;
	const char *expect;
	struct hstep steps[MAX_STEPS];
};

#define GET(path)	HC("GET " path " HTTP/1.1\r\nHost: example.com\r\n\r\n")

static const struct hcase hcases[] = {
{ "content_length", 0, 0, GOLD_content_length, {
	GET("/dir/file.txt"),
	HS("HTTP/1.1 200 OK\r\nContent-Type: Text/Plain; charset=utf-8\r\n"
	   "Content-Length: 5\r\n\r\nhello"),
} },
{ "keepalive_3_responses", 0, 0, GOLD_keepalive_3_responses, {
	GET("/a.bin"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nAAA"),
	GET("/b/"),
	HS("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	   "2\r\nBB\r\n0\r\n\r\n"),
	GET("/c.js?v=1"),
	HS("HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope"),
} },
{ "head", 0, 0, GOLD_head, {
	HC("HEAD /big.iso HTTP/1.1\r\nHost: h\r\n\r\n"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n"),
	HC("HEAD /big.iso HTTP/1.1\r\nHost: h\r\n\r\n"),
	HS("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"),
	GET("/after"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
} },
{ "status_204", 0, 0, GOLD_status_204, {
	GET("/empty"),
	HS("HTTP/1.1 204 No Content\r\nContent-Type: text/html\r\n\r\n"),
	GET("/next"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"),
} },
{ "status_304", 0, 0, GOLD_status_304, {
	GET("/cached.css"),
	HS("HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n"),
	GET("/next"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\ny"),
} },
{ "continue_100", 0, 0, GOLD_continue_100, {
	HC("POST /upload HTTP/1.1\r\nContent-Length: 4\r\n"
	   "Expect: 100-continue\r\n\r\n"),
	HS("HTTP/1.1 100 Continue\r\n\r\n"),
	HC("data"),
	HS("HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 201 Created\r\n"
	   "Content-Length: 7\r\n\r\ncreated"),
} },
{ "close_delimited_eof", 0, 0, GOLD_close_delimited_eof, {
	GET("/stream"),
	HS("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
	   "Connection: close\r\n\r\nfirst part "),
	HS("second part"),
	HSEOF,
} },
{ "close_delimited_empty", 0, 0, GOLD_close_delimited_empty, {
	GET("/nothing"),
	HS("HTTP/1.0 200 OK\r\n\r\n"),
	HSEOF,
} },
{ "chunked_ext_trailers", 0, 0, GOLD_chunked_ext_trailers, {
	GET("/chunked.txt"),
	HS("HTTP/1.1 200 OK\r\ntransfer-encoding: gzip, Chunked\r\n\r\n"
	   "A;name=value;q=\"x y\"\r\n0123456789\r\n"
	   "a\r\nabcdefghij\r\n"
	   "1A \r\nABCDEFGHIJKLMNOPQRSTUVWXYZ\r\n"
	   "0000;last\r\nX-Checksum: 1234\r\nX-Other: y\r\n\r\n"),
	GET("/next"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nz"),
} },
{ "chunked_1byte_chunks", 0, 0, GOLD_chunked_1byte_chunks, {
	GET("/tiny"),
	HS("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	   "1\r\nt\r\n1\r\ni\r\n1\r\nn\r\n1\r\ny\r\n0\r\n\r\n"),
} },
{ "chunked_empty", 0, 0, GOLD_chunked_empty, {
	GET("/none"),
	HS("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
} },
{ "chunked_lf_only", 0, 0, GOLD_chunked_lf_only, {
	HC("GET /lf HTTP/1.1\nHost: h\n\n"),
	HS("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n"
	   "3\nabc\n0\n\n"),
} },
{ "pipelined", 0, 0, GOLD_pipelined, {
	HC("GET /one.txt HTTP/1.1\r\nHost: h\r\n\r\n"
	   "HEAD /two.txt HTTP/1.1\r\nHost: h\r\n\r\n"
	   "GET /three.txt HTTP/1.1\r\nHost: h\r\n\r\n"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none"
	   "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n"
	   "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nthree"),
} },
{ "http10", 0, 0, GOLD_http10, {
	HC("GET /old/index.html HTTP/1.0\r\n\r\n"),
	HS("HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<html>10</html>"),
	HSEOF,
} },
{ "http09", 0, 0, GOLD_http09, {
	HC("GET /ancient.html\r\n"),
	HS("<html>nine"),
	HS("ty</html>\n"),
	HSEOF,
} },
{ "http09_short_prefix", 0, 0, GOLD_http09_short_prefix, {
	HC("GET /x\r\n"),
	HS("HT"),
	HSEOF,
} },
{ "hostile_status_httpx", 0, 0, GOLD_hostile_status_httpx, {
	HC("GET /x\r\n"),
	HS("HTTPX 200\r\n"),
	HSEOF,
} },
{ "content_length_zero", 0, 0, GOLD_content_length_zero, {
	GET("/zero"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
	GET("/one"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1"),
} },
{ "content_length_list", 0, 0, GOLD_content_length_list, {
	GET("/list"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n"
	   "content-length:3\r\n\r\nabc"),
} },
{ "truncated_content_length", 0, 0, GOLD_truncated_content_length, {
	GET("/cut.zip"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten.."),
	HSEOF,
} },
{ "truncated_chunked", 0, 0, GOLD_truncated_chunked, {
	GET("/cut"),
	HS("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	   "10\r\nabc"),
	HSEOF,
} },
{ "truncated_headers", 0, 0, GOLD_truncated_headers, {
	GET("/cut"),
	HS("HTTP/1.1 200 OK\r\nContent-Le"),
	HSEOF,
} },
{ "content_disposition", 0, 0, GOLD_content_disposition, {
	GET("/download?id=42"),
	HS("HTTP/1.1 200 OK\r\nContent-Disposition: attachment; "
	   "filename=\"C:\\\\temp\\\\re\\\"port.pdf\"\r\n"
	   "Content-Length: 1\r\n\r\nP"),
	GET("/download?id=43"),
	HS("HTTP/1.1 200 OK\r\nContent-Disposition: attachment; "
	   "filename*=UTF-8''na%C3%AFve%20file.txt; filename=plain.txt\r\n"
	   "Content-Length: 1\r\n\r\nQ"),
	GET("/download?id=44"),
	HS("HTTP/1.1 200 OK\r\nContent-Disposition: inline;filename=a.exe\r\n"
	   "Content-Length: 1\r\n\r\nR"),
} },
{ "url_forms", 0, 0, GOLD_url_forms, {
	HC("GET http://example.com/dl/setup%2Eexe?x=/y#frag HTTP/1.1\r\n\r\n"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nA"),
	HC("GET http://example.com HTTP/1.1\r\n\r\n"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nB"),
	HC("GET * HTTP/1.1\r\n\r\n"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nC"),
} },
{ "header_case_and_whitespace", 0, 0, GOLD_header_case_and_whitespace, {
	GET("/case"),
	HS("HTTP/1.1 200\r\ncontent-LENGTH:\t 3 \t\r\nX-Folded: a\r\n"
	   "  continued\r\nCONTENT-TYPE: IMAGE/PNG\r\n\r\nabc"),
} },
{ "unknown_method", 0, 0, GOLD_unknown_method, {
	HC("PROPFIND /dav/ HTTP/1.1\r\nDepth: 1\r\nContent-Length: 2\r\n\r\n"
	   "<>"),
	HS("HTTP/1.1 207 Multi-Status\r\nContent-Length: 2\r\n\r\n<>"),
} },
{ "post_scan_off", 0, 0, GOLD_post_scan_off, {
	HC("POST /form HTTP/1.1\r\nContent-Length: 6\r\n\r\nfield1"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
} },
{ "post_scan_on", 1, 0, GOLD_post_scan_on, {
	HC("POST /upload/up.exe HTTP/1.1\r\nContent-Type: application/x-foo\r\n"
	   "Content-Length: 6\r\n\r\nMZ\x00\x01\x02\x03"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
	GET("/after"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
} },
{ "put_chunked_scan_on", 1, 0, GOLD_put_chunked_scan_on, {
	HC("PUT /files/doc.txt HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
	   "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"),
	HS("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"),
} },
{ "put_chunked_scan_off", 0, 0, GOLD_put_chunked_scan_off, {
	HC("PUT /files/doc.txt HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
	   "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
	   "GET /after HTTP/1.1\r\n\r\n"),
	HS("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"
	   "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n!"),
} },
{ "nodata", 0, 1, GOLD_nodata, {
	GET("/big.bin"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody"),
} },
{ "leading_crlf", 0, 0, GOLD_leading_crlf, {
	HC("\r\nGET /a HTTP/1.1\r\n\r\n"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na\r\n"),
	HC("\r\n\r\nGET /b HTTP/1.1\r\n\r\n"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb"),
} },
/* tunnels and upgrades */
{ "connect_bypass", 0, 0, GOLD_connect_bypass, {
	HC("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"),
	HS("HTTP/1.1 200 Connection established\r\n\r\n\x16\x03\x03"),
	HC("\x16\x03\x01\x02\x00"),
} },
{ "connect_early_data", 0, 0, GOLD_connect_early_data, {
	HC("CONNECT example.com:443 HTTP/1.1\r\n\r\n\x16\x03\x01"),
} },
{ "connect_refused", 0, 0, GOLD_connect_refused, {
	HC("CONNECT example.com:443 HTTP/1.1\r\n\r\n"),
	HS("HTTP/1.1 407 Proxy Authentication Required\r\n"
	   "Content-Length: 4\r\n\r\ndeny"),
	GET("/plain"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\np"),
} },
{ "upgrade_websocket", 0, 0, GOLD_upgrade_websocket, {
	HC("GET /chat HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
	   "\r\n"),
	HS("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"
	   "\x81\x05hello"),
} },
{ "upgrade_unrequested", 0, 0, GOLD_upgrade_unrequested, {
	GET("/plain"),
	HS("HTTP/1.1 101 Switching Protocols\r\n\r\nMZ"),
} },
{ "bypass_tls", 0, 0, GOLD_bypass_tls, {
	HC("\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03"),
	HS("\x16\x03\x03\x00\x5a"),
} },
{ "bypass_ssh", 1, 0, GOLD_bypass_ssh, {
	HC("SSH-2.0-OpenSSH_9.2p1\r\n"),
} },
{ "bypass_h2c", 0, 0, GOLD_bypass_h2c, {
	HC("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
} },
{ "bypass_no_version", 1, 0, GOLD_bypass_no_version, {
	HC("HELLO world\r\n"),
} },
{ "bypass_long_token", 0, 0, GOLD_bypass_long_token, {
	HC("ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJ / HTTP/1.1\r\n\r\n"),
} },
/* 9 outstanding requests are remembered, with their metadata */
{ "pipeline_nine", 0, 0, GOLD_pipeline_nine, {
	HC("GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n"
	   "GET /3 HTTP/1.1\r\n\r\nGET /4 HTTP/1.1\r\n\r\n"
	   "GET /5 HTTP/1.1\r\n\r\nGET /6 HTTP/1.1\r\n\r\n"
	   "GET /7 HTTP/1.1\r\n\r\nGET /8 HTTP/1.1\r\nHost: h8\r\n\r\n"
	   "HEAD /9.exe HTTP/1.1\r\nHost: h9\r\n\r\n"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1"
	   "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n2"
	   "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n3"
	   "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n4"
	   "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n5"
	   "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n6"
	   "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n7"),
	HC("GET /10.zip HTTP/1.1\r\nHost: h10\r\n\r\n"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n8"
	   "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n"
	   "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nPK"),
} },
{ "pipeline_nine_scan", 1, 0, GOLD_pipeline_nine_scan, {
	HC("GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n"
	   "GET /3 HTTP/1.1\r\n\r\nGET /4 HTTP/1.1\r\n\r\n"
	   "GET /5 HTTP/1.1\r\n\r\nGET /6 HTTP/1.1\r\n\r\n"
	   "GET /7 HTTP/1.1\r\n\r\nGET /8 HTTP/1.1\r\n\r\n"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1"),
	HC("GET /9 HTTP/1.1\r\n\r\nPOST /10 HTTP/1.1\r\n"
	   "Content-Length: 3\r\n\r\nabc"),
} },
{ "request_eof_in_body", 1, 0, GOLD_request_eof_in_body, {
	HC("POST /p HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc"),
	HCEOF,
	HS("HTTP/1.1 400 Bad Request\r\nContent-Length: 3\r\n\r\nbad"),
} },
/* hostile input */
{ "hostile_cl_conflict", 0, 0, GOLD_hostile_cl_conflict, {
	GET("/x"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"
	   "hello!"),
} },
{ "hostile_cl_list_conflict", 0, 0, GOLD_hostile_cl_list_conflict, {
	GET("/x"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello!"),
} },
{ "hostile_cl_garbage", 0, 0, GOLD_hostile_cl_garbage, {
	GET("/x"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n"),
} },
{ "hostile_cl_negative", 0, 0, GOLD_hostile_cl_negative, {
	GET("/x"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"),
} },
{ "hostile_cl_empty", 0, 0, GOLD_hostile_cl_empty, {
	GET("/x"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n"),
} },
{ "hostile_cl_huge", 0, 0, GOLD_hostile_cl_huge, {
	GET("/x"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 4611686018427387905\r\n\r\n"),
} },
{ "cl_max", 0, 0, GOLD_cl_max, {
	GET("/x"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 4611686018427387904\r\n\r\nab"),
	HSEOF,
} },
{ "hostile_cl_overflow", 0, 0, GOLD_hostile_cl_overflow, {
	GET("/x"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551617\r\n\r\n"),
} },
{ "hostile_te_and_cl", 0, 0, GOLD_hostile_te_and_cl, {
	GET("/x"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n"
	   "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
} },
{ "hostile_te_and_cl_request", 1, 0, GOLD_hostile_te_and_cl_request, {
	HC("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
	   "Content-Length: 3\r\n\r\n"),
} },
{ "hostile_te_not_last", 0, 0, GOLD_hostile_te_not_last, {
	GET("/x"),
	HS("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"),
} },
{ "hostile_te_twice", 0, 0, GOLD_hostile_te_twice, {
	GET("/x"),
	HS("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
	   "Transfer-Encoding: chunked\r\n\r\n"),
} },
{ "te_not_chunked_response", 0, 0, GOLD_te_not_chunked_response, {
	GET("/x.gz"),
	HS("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n\x1f\x8b"),
	HSEOF,
} },
{ "hostile_te_not_chunked_request", 0, 0,
	GOLD_hostile_te_not_chunked_request, {
	HC("POST /x HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n"),
} },
{ "hostile_chunk_size_invalid", 0, 0, GOLD_hostile_chunk_size_invalid, {
	GET("/x"),
	HS("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	   "zz\r\nhello\r\n0\r\n\r\n"),
} },
{ "hostile_chunk_size_in_object", 0, 0,
	GOLD_hostile_chunk_size_in_object, {
	GET("/evil.exe"),
	HS("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	   "2\r\nMZ\r\n-1\r\nmore\r\n"),
} },
{ "hostile_chunk_size_empty", 0, 0, GOLD_hostile_chunk_size_empty, {
	GET("/x"),
	HS("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	   "\r\n"),
} },
{ "hostile_chunk_no_crlf", 0, 0, GOLD_hostile_chunk_no_crlf, {
	GET("/x"),
	HS("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	   "2\r\nabXX\r\n"),
} },
{ "hostile_chunk_overflow", 0, 0, GOLD_hostile_chunk_overflow, {
	GET("/x"),
	HS("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	   "1\r\nA\r\n10000000000000000\r\n"),
} },
{ "hostile_chunk_too_big", 0, 0, GOLD_hostile_chunk_too_big, {
	GET("/x"),
	HS("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	   "4000000000000001\r\n"),
} },
{ "chunk_size_max", 0, 0, GOLD_chunk_size_max, {
	GET("/x"),
	HS("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	   "0004000000000000000\r\nab"),
	HSEOF,
} },
{ "hostile_nul_in_header", 0, 0, GOLD_hostile_nul_in_header, {
	GET("/x"),
	HS("HTTP/1.1 200 OK\r\nX-A: a\x00" "b\r\nContent-Length: 1\r\n\r\nx"),
} },
{ "hostile_nul_in_request", 1, 0, GOLD_hostile_nul_in_request, {
	HC("GET /x HTTP/1.1\r\nHost: a\x00\r\n\r\n"),
} },
{ "hostile_nul_in_status", 0, 0, GOLD_hostile_nul_in_status, {
	GET("/x"),
	HS("HTTP/1.1 200 O\x00K\r\n\r\n"),
} },
{ "hostile_bare_cr", 0, 0, GOLD_hostile_bare_cr, {
	GET("/x"),
	HS("HTTP/1.1 200 OK\r\nX-A: a\rContent-Length: 1\r\n\r\nx"),
} },
{ "hostile_space_before_colon", 0, 0, GOLD_hostile_space_before_colon, {
	GET("/x"),
	HS("HTTP/1.1 200 OK\r\nContent-Length : 1\r\n\r\nx"),
} },
{ "hostile_no_colon", 0, 0, GOLD_hostile_no_colon, {
	GET("/x"),
	HS("HTTP/1.1 200 OK\r\nContent-Length 1\r\n\r\nx"),
} },
{ "hostile_fold_after_cl", 0, 0, GOLD_hostile_fold_after_cl, {
	GET("/x"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n 2\r\n\r\nx"),
} },
{ "hostile_fold_first", 0, 0, GOLD_hostile_fold_first, {
	GET("/x"),
	HS("HTTP/1.1 200 OK\r\n Content-Length: 1\r\n\r\nx"),
} },
{ "hostile_no_request", 0, 0, GOLD_hostile_no_request, {
	HS("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"),
} },
{ "hostile_extra_response", 0, 0, GOLD_hostile_extra_response, {
	GET("/x"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"
	   "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\ny"),
} },
{ "hostile_bad_status_line", 0, 0, GOLD_hostile_bad_status_line, {
	GET("/x"),
	HS("HTTP/1.1 2x0 OK\r\n\r\n"),
} },
/* curl frames it as HTTP/1.x */
{ "status_http2", 0, 0, GOLD_status_http2, {
	GET("/x"),
	HS("HTTP/2.0 200 OK\r\n\r\nbody"),
	HSEOF,
} },
{ "hostile_second_request_garbage", 0, 0,
	GOLD_hostile_second_request_garbage, {
	GET("/x"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"),
	HC("\x16\x03\x01"),
} },
{ "hostile_data_after_eof", 0, 0, GOLD_hostile_data_after_eof, {
	GET("/x"),
	HS("HTTP/1.1 200 OK\r\n\r\nabc"),
	HSEOF,
	HS("more"),
} },
{ "eof_then_other_side", 0, 0, GOLD_eof_then_other_side, {
	HC("GET /x HTTP/1.1\r\n\r\n"),
	HCEOF,
	HS("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
	HSEOF,
} },
/* metadata for the bypass lists and the daemon: host and codings */
{ "host_absolute_form", 0, 0, GOLD_host_absolute_form, {
	HC("GET http://Files.Example.ORG:8080/pub/a.zip?x HTTP/1.1\r\n"
	   "Host: other.example\r\n\r\n"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na"),
	HC("GET /b HTTP/1.1\r\nHOST:  Second.Example:81 \r\n"
	   "Host: third.example\r\n\r\n"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb"),
	HC("GET /c HTTP/1.1\r\n\r\n"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nc"),
} },
{ "content_encoding", 0, 0, GOLD_content_encoding, {
	GET("/a.tgz"),
	HS("HTTP/1.1 200 OK\r\nContent-Encoding: identity, GZIP\r\n"
	   "content-encoding: br\r\nContent-Length: 2\r\n\r\nxx"),
	GET("/b"),
	HS("HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\n"
	   "Transfer-Encoding: gzip, chunked\r\n\r\n1\r\ny\r\n0\r\n\r\n"),
	GET("/d"),
	HS("HTTP/1.1 200 OK\r\nContent-Encoding: identity\r\n"
	   "Content-Length: 1\r\n\r\nw"),
	/* unknown codings go to the daemon as they are */
	GET("/e"),
	HS("HTTP/1.1 200 OK\r\nContent-Encoding: none, X-Custom\r\n"
	   "Transfer-Encoding: foo\r\n\r\nv"),
	HSEOF,
} },
/* codings the daemon would not see whole: no client undoes that many */
{ "hostile_codings_overflow", 0, 0, GOLD_hostile_codings_overflow, {
	GET("/c"),
	HS("HTTP/1.1 200 OK\r\nContent-Encoding: a-very-long-coding-name, "
	   "another-long-coding-name, x\r\nContent-Length: 1\r\n\r\nz"),
} },
{ "hostile_codings_overflow_te", 0, 0, GOLD_hostile_codings_overflow_te, {
	GET("/c"),
	HS("HTTP/1.1 200 OK\r\nContent-Encoding: gzip, gzip, gzip, gzip, gzip,"
	   " gzip, gzip, gzip\r\nTransfer-Encoding: gzip, gzip, chunked\r\n"
	   "\r\n1\r\nz\r\n0\r\n\r\n"),
} },
/* status lines some client takes: framed as HTTP/1.x */
{ "status_lower_case", 0, 0, GOLD_status_lower_case, {
	GET("/a"),
	HS("http/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	   "2\r\nab\r\n1\r\nc\r\n0\r\n\r\n"),
	GET("/b"),
	HS("HttP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nde"),
} },
{ "status_leading_space", 0, 0, GOLD_status_leading_space, {
	GET("/a"),
	HS(" HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	   "2\r\nab\r\n1\r\nc\r\n0\r\n\r\n"),
	GET("/b"),
	HS("\t \v\f          HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nd"),
} },
{ "status_lenient", 0, 0, GOLD_status_lenient, {
	GET("/tab"),
	HS("HTTP/1.1\t200\tOK\r\nTransfer-Encoding: chunked\r\n\r\n"
	   "1\r\na\r\n0\r\n\r\n"),
	GET("/v110"),
	HS("HTTP/1.10  200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	   "1\r\nb\r\n0\r\n\r\n"),
	GET("/v2"),
	HS("HTTP/2 200\r\nTransfer-Encoding: chunked\r\n\r\n"
	   "1\r\nc\r\n0\r\n\r\n"),
	GET("/200ok"),
	HS("HTTP/1.1 200OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	   "1\r\nd\r\n0\r\n\r\n"),
	GET("/v09"),
	HS("HTTP/0.9 200 OK\r\nContent-Length: 1\r\n\r\ne"),
} },
{ "status_1xx_then_lower_case", 0, 0, GOLD_status_1xx_then_lower_case, {
	GET("/a"),
	HS("HTTP/1.1 102 Processing\r\nTransfer-Encoding: chunked\r\n"
	   "Content-Encoding: deflate\r\n\r\n"
	   "http/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	   "2\r\nab\r\n0\r\n\r\n"),
	GET("/b"),
	HS("HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"
	   " HTTP/1.1 200 OK\r\n\r\nraw"),
	HSEOF,
} },
{ "hostile_status_junk_before", 0, 0, GOLD_hostile_status_junk_before, {
	GET("/x"),
	HS("xyHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"),
} },
{ "hostile_status_no_slash", 0, 0, GOLD_hostile_status_no_slash, {
	GET("/x"),
	HS("HTTP 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"),
} },
{ "hostile_status_code_4_digits", 0, 0, GOLD_hostile_status_code_4_digits, {
	GET("/x"),
	HS("HTTP/1.1 2000 OK\r\n\r\n"),
} },
{ "hostile_status_no_version", 0, 0, GOLD_hostile_status_no_version, {
	GET("/x"),
	HS("HTTP/ 200 OK\r\n\r\n"),
} },
{ "http09_binary", 0, 0, GOLD_http09_binary, {
	HC("GET /x\r\n"),
	HS("\x00\x01<html>http://x"),
	HSEOF,
} },
{ "upload_host_encoding", 1, 0, GOLD_upload_host_encoding, {
	HC("POST /up HTTP/1.1\r\nHost: Up.Example\r\n"
	   "Content-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabc"),
	HS("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
} },
};

/* ---- cases with long lines, built at run time ---- */

static char *repeat(const char *head, char c, size_t n, const char *tail)
{
	size_t hl = strlen(head), tl = strlen(tail);
	char *s = malloc(hl + n + tl + 1);

	assert_non_null(s);
	memcpy(s, head, hl);
	memset(s + hl, c, n);
	memcpy(s + hl + n, tail, tl + 1);
	return s;
}

void http_check_replays(const struct hstep *steps, size_t n, int scan,
			int nodata, const char *expect)
{
	char *whole, *other;
	unsigned int seed;

	whole = hreplay(steps, n, scan, nodata, HMODE_WHOLE, 0);
	if (expect)
		assert_string_equal(whole, expect);
	assert_null(strstr(whole, "!ERR"));
	other = hreplay(steps, n, scan, nodata, HMODE_BYTES, 0);
	assert_string_equal(other, whole);
	free(other);
	for (seed = 1; seed <= 12; seed++) {
		other = hreplay(steps, n, scan, nodata, HMODE_RANDOM, seed);
		assert_string_equal(other, whole);
		free(other);
	}
	for (seed = 0; seed < 40; seed++) {
		other = hreplay(steps, n, scan, nodata, HMODE_POINT,
				seed * 13);
		assert_string_equal(other, whole);
		free(other);
	}
	free(whole);
}

static void test_hcase(void **state)
{
	const struct hcase *c = *state;
	size_t n;

	for (n = 0; n < MAX_STEPS && (c->steps[n].data || c->steps[n].eof);
	     n++)
		;
	http_check_replays(c->steps, n, c->scan_requests, c->nodata,
			   c->expect);
}

/* A Cookie longer than a line is skipped, a long Content-Type is not. */
static void test_long_headers(void **state)
{
	struct hstep s[2] = { GET("/x"), { NFAV_SIDE_SERVER, NULL, 0, 0 } };
	char *resp, expect[256];

	(void)state;
	resp = repeat("HTTP/1.1 200 OK\r\nSet-Cookie: a=", 'b', 5000,
		      "\r\nContent-Length: 2\r\n\r\nok");
	s[1].data = resp;
	s[1].len = strlen(resp);
	http_check_replays(s, 2, 0, 0,
			   "S MB @0\nS OB url=/x name=x type= host=example.com len=2\n"
			   "S OE @5056 2:ok\nS ME @5056\n");
	free(resp);

	resp = repeat("HTTP/1.1 200 OK\r\nContent-Type: a/", 'b', 1100,
		      "\r\nContent-Length: 2\r\n\r\nok");
	s[1].data = resp;
	s[1].len = strlen(resp);
	/* the line overflows at its 1025th byte: 17 + 1024 */
	http_check_replays(s, 2, 0, 0, "S MB @0\nS ST malformed\n");
	free(resp);

	/* an exactly full line (1023 bytes and the CR) is fine */
	resp = repeat("HTTP/1.1 200 OK\r\nContent-Type: a/", 'b',
		      1023 - 16, "\r\nContent-Length: 2\r\n\r\nok");
	s[1].data = resp;
	s[1].len = strlen(resp);
	snprintf(expect, sizeof(expect),
		 "S MB @0\nS OB url=/x name=x type=a/%.61s host=example.com len=2\n"
		 "S OE @%zu 2:ok\nS ME @%zu\n", resp + 33, s[1].len,
		 s[1].len);
	http_check_replays(s, 2, 0, 0, expect);
	free(resp);
	/* one more byte is too long */
	resp = repeat("HTTP/1.1 200 OK\r\nContent-Type: a/", 'b',
		      1024 - 16, "\r\nContent-Length: 2\r\n\r\nok");
	s[1].data = resp;
	s[1].len = strlen(resp);
	http_check_replays(s, 2, 0, 0, "S MB @0\nS ST malformed\n");
	free(resp);

	/* a header name that never ends */
	resp = repeat("HTTP/1.1 200 OK\r\nX", 'b', 2000, "\r\n\r\nok");
	s[1].data = resp;
	s[1].len = strlen(resp);
	http_check_replays(s, 2, 0, 0, "S MB @0\nS ST malformed\n");
	free(resp);

	/* a long status line */
	resp = repeat("HTTP/1.1 200 ", 'O', 2000, "\r\n\r\nok");
	s[1].data = resp;
	s[1].len = strlen(resp);
	http_check_replays(s, 2, 0, 0, "S MB @0\nS ST malformed\n");
	free(resp);
}

/* Long trailer lines are skipped. */
static void test_long_trailer(void **state)
{
	struct hstep s[2] = { GET("/t"), { NFAV_SIDE_SERVER, NULL, 0, 0 } };
	char *resp;

	(void)state;
	resp = repeat("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		      "1\r\nx\r\n0\r\nX-Trailer: ", 'v', 3000, "\r\n\r\n");
	s[1].data = resp;
	s[1].len = strlen(resp);
	http_check_replays(s, 2, 0, 0,
			   "S MB @0\nS OB url=/t name=t type= host=example.com len=-1\n"
			   "S OE @3071 1:x\nS ME @3071\n");
	free(resp);
}

/* A request line longer than a line keeps a prefix of its URL. */
static void test_long_url(void **state)
{
	struct hstep s[2] = {
		{ NFAV_SIDE_CLIENT, NULL, 0, 0 },
		HS("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nz"),
	};
	char *req, *log;
	char url[300];

	(void)state;
	req = repeat("GET /dir/file.bin?q=", 'q', 3000,
		     " HTTP/1.1\r\nHost: h\r\n\r\n");
	s[0].data = req;
	s[0].len = strlen(req);
	memcpy(url, req + 4, 255);
	url[255] = '\0';
	log = malloc(1024);
	assert_non_null(log);
	snprintf(log, 1024,
		 "S MB @0\nS OB url=%s name=file.bin type= host=h len=1\n"
		 "S OE @39 1:z\nS ME @39\n", url);
	http_check_replays(s, 2, 0, 0, log);
	free(log);
	free(req);

	/* the name is the last segment, however long the ones before */
	req = repeat("GET /", 'd', 200, "/evil.exe HTTP/1.1\r\n\r\n");
	s[0].data = req;
	s[0].len = strlen(req);
	log = hreplay(s, 2, 0, 0, HMODE_WHOLE, 0);
	assert_non_null(strstr(log, " name=evil.exe type= len=1\n"));
	free(log);
	http_check_replays(s, 2, 0, 0, NULL);
	free(req);
}

/* Bodies larger than any run, and a huge number of 1-byte chunks. */
static void test_large_bodies(void **state)
{
	struct hstep s[3] = { GET("/big"), { NFAV_SIDE_SERVER, NULL, 0, 0 },
			      HSEOF };
	char *resp, *p;
	size_t i;

	(void)state;
	resp = repeat("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n", 'x',
		      100000, "");
	s[1].data = resp;
	s[1].len = strlen(resp);
	http_check_replays(s, 3, 0, 1,
			   "S MB @0\nS OB url=/big name=big type= host=example.com len=100000\n"
			   "S OE @100043 0:\nS ME @100043\n");
	free(resp);

	resp = malloc(60 + 6 * 2000 + 10);
	assert_non_null(resp);
	p = resp + sprintf(resp,
			   "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
	for (i = 0; i < 2000; i++)
		p += sprintf(p, "1\r\n%c\r\n", 'a' + (int)(i % 26));
	p += sprintf(p, "0\r\n\r\n");
	s[1].data = resp;
	s[1].len = (size_t)(p - resp);
	http_check_replays(s, 3, 0, 0, NULL);
	free(resp);
}

/* Stopped parsers stay stopped; init resets everything. */
static void test_stopped(void **state)
{
	static const struct nfav_proto_ops noops;
	struct nfav_http *h = malloc(sizeof(*h));
	const u8 tls[] = { 0x16, 0x03, 0x01 };

	(void)state;
	assert_non_null(h);
	nfav_http_init(h, false, 0);
	assert_int_equal(nfav_http_parse(h, NFAV_SIDE_CLIENT, tls, 3, &noops,
					 NULL), NFAV_PARSE_BYPASS);
	assert_int_equal(nfav_http_parse(h, NFAV_SIDE_CLIENT,
					 (const u8 *)"GET / HTTP/1.1\r\n", 16,
					 &noops, NULL), NFAV_PARSE_BYPASS);
	assert_int_equal(nfav_http_eof(h, NFAV_SIDE_SERVER, &noops, NULL),
			 NFAV_PARSE_BYPASS);
	nfav_http_init(h, true, 0);
	assert_int_equal(h->scan_requests, 1);
	/* NULL callbacks are allowed */
	assert_int_equal(nfav_http_parse(h, NFAV_SIDE_CLIENT,
					 (const u8 *)"GET / HTTP/1.1\r\n\r\n", 18,
					 &noops, NULL), NFAV_PARSE_OK);
	assert_int_equal(nfav_http_parse(h, 7, tls, 3, &noops, NULL),
			 NFAV_PARSE_MALFORMED);
	free(h);
}

/* Feed @msg whole or bytewise to a parser with @limit; return the status. */
static int parse_limited(u32 limit, int side, const char *req,
			 const char *msg, size_t len, int bytewise)
{
	static const struct nfav_proto_ops noops;
	struct nfav_http *h = malloc(sizeof(*h));
	size_t i;
	int st = NFAV_PARSE_OK;

	assert_non_null(h);
	nfav_http_init(h, true, limit);
	if (req)
		assert_int_equal(nfav_http_parse(h, NFAV_SIDE_CLIENT,
						 (const u8 *)req, strlen(req),
						 &noops, NULL), NFAV_PARSE_OK);
	for (i = 0; i < len && st == NFAV_PARSE_OK; i += bytewise ? 1 : len)
		st = nfav_http_parse(h, side, (const u8 *)msg + i,
				     bytewise ? 1 : (u32)len, &noops, NULL);
	free(h);
	return st;
}

/* A header section (start line, headers, trailers) over the limit. */
static void test_header_limit(void **state)
{
	char *big = malloc(8192), *body;
	size_t n;
	int bw;

	(void)state;
	assert_non_null(big);
	for (bw = 0; bw <= 1; bw++) {
		/* 1024 bytes of request header section: at the limit */
		n = (size_t)snprintf(big, 8192, "GET / HTTP/1.1\r\nX: ");
		memset(big + n, 'a', 1024 - n - 4);
		memcpy(big + 1020, "\r\n\r\n", 5);
		assert_int_equal(parse_limited(1024, NFAV_SIDE_CLIENT, NULL,
					       big, 1024, bw), NFAV_PARSE_OK);
		assert_int_equal(parse_limited(1023, NFAV_SIDE_CLIENT, NULL,
					       big, 1024, bw),
				 NFAV_PARSE_MALFORMED);
		/* no limit */
		assert_int_equal(parse_limited(0, NFAV_SIDE_CLIENT, NULL,
					       big, 1024, bw), NFAV_PARSE_OK);
		/* many short headers in a response */
		n = (size_t)snprintf(big, 8192, "HTTP/1.1 200 OK\r\n");
		while (n < 4000)
			n += (size_t)snprintf(big + n, 8192 - n, "X-A: b\r\n");
		n += (size_t)snprintf(big + n, 8192 - n,
				      "Content-Length: 1\r\n\r\nz");
		assert_int_equal(parse_limited(2048, NFAV_SIDE_SERVER,
					       "GET / HTTP/1.1\r\n\r\n", big,
					       n, bw), NFAV_PARSE_MALFORMED);
		assert_int_equal(parse_limited(8192, NFAV_SIDE_SERVER,
					       "GET / HTTP/1.1\r\n\r\n", big,
					       n, bw), NFAV_PARSE_OK);
		/* trailers count, bodies do not */
		n = (size_t)snprintf(big, 8192, "HTTP/1.1 200 OK\r\n"
				     "Transfer-Encoding: chunked\r\n\r\n"
				     "7d0\r\n");
		body = big + n;
		memset(body, 'x', 2000);
		n += 2000;
		n += (size_t)snprintf(big + n, 8192 - n, "\r\n0\r\n");
		while (n < 3400)
			n += (size_t)snprintf(big + n, 8192 - n, "T: v\r\n");
		n += (size_t)snprintf(big + n, 8192 - n, "\r\n");
		assert_int_equal(parse_limited(1024, NFAV_SIDE_SERVER,
					       "GET / HTTP/1.1\r\n\r\n", big,
					       n, bw), NFAV_PARSE_MALFORMED);
		assert_int_equal(parse_limited(2048, NFAV_SIDE_SERVER,
					       "GET / HTTP/1.1\r\n\r\n", big,
					       n, bw), NFAV_PARSE_OK);
	}
	free(big);
}

/*
 * Up to 255 outstanding requests are remembered; more are malformed, never
 * passed unscanned.  Requests whose URLs do not fit are remembered without
 * them.
 */
static void test_pipeline_limits(void **state)
{
	struct hstep s[3] = { { NFAV_SIDE_CLIENT, NULL, 0, 0 },
			      { NFAV_SIDE_SERVER, NULL, 0, 0 } };
	char *req, *resp, *log, want[600];
	size_t i, o, r;
	char url[320];

	(void)state;
	req = malloc(256 * 64);
	resp = malloc(256 * 64);
	assert_non_null(req);
	assert_non_null(resp);
	for (i = 1, o = 0, r = 0; i <= 255; i++) {
		o += sprintf(req + o, "GET /%zu HTTP/1.1\r\n\r\n", i);
		r += sprintf(resp + r,
			     "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n%c",
			     (int)('a' + i % 26));
	}
	s[0].data = req;
	s[0].len = o;
	s[1].data = resp;
	s[1].len = r;
	http_check_replays(s, 2, 0, 0, NULL);
	log = hreplay(s, 2, 0, 0, HMODE_WHOLE, 0);
	assert_null(strstr(log, " ST "));
	assert_non_null(strstr(log, "S OB url=/255 name=255 type= len=1\n"));
	free(log);
	/* the 256th is one too many */
	o += sprintf(req + o, "GET /256 HTTP/1.1\r\n\r\n");
	s[0].len = o;
	http_check_replays(s, 1, 0, 0, "C ST malformed\n");

	/* long URLs: 15 kept whole, 11 more without their URLs */
	free(req);
	req = malloc(40 * 400);
	assert_non_null(req);
	memset(url, 'u', sizeof(url));
	for (i = 1, o = 0, r = 0; i <= 26; i++) {
		o += sprintf(req + o, "GET /%.300s/f%zu HTTP/1.1\r\n"
			     "Host: h%zu\r\n\r\n", url, i, i);
		r += sprintf(resp + r,
			     "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n%c",
			     (int)('a' + i % 26));
	}
	s[0].data = req;
	s[0].len = o;
	s[1].len = r;
	http_check_replays(s, 2, 0, 0, NULL);
	log = hreplay(s, 2, 0, 0, HMODE_WHOLE, 0);
	assert_null(strstr(log, " ST "));
	snprintf(want, sizeof(want),
		 "S OB url=/%.254s name=f15 type= host=h15 len=1\n", url);
	assert_non_null(strstr(log, want));
	assert_non_null(strstr(log,
			       "S OB url= name=f16 type= host=h16 len=1\n"));
	assert_non_null(strstr(log,
			       "S OB url= name=f26 type= host=h26 len=1\n"));
	free(log);
	/* then no room for a 27th */
	o += sprintf(req + o, "GET /%.300s/f27 HTTP/1.1\r\n\r\n", url);
	s[0].len = o;
	http_check_replays(s, 1, 0, 0, "C ST malformed\n");
	free(req);
	free(resp);
}

/* Print the whole-run log of every case, for http_golden.h. */
void http_dump(void)
{
	size_t i, n;
	char *log, *p;

	for (i = 0; i < ARRAY_SIZE(hcases); i++) {
		const struct hcase *c = &hcases[i];

		for (n = 0; n < MAX_STEPS &&
		     (c->steps[n].data || c->steps[n].eof); n++)
			;
		log = hreplay(c->steps, n, c->scan_requests, c->nodata,
			      HMODE_WHOLE, 0);
		printf("#define GOLD_%s \\\n", c->name);
		for (p = strtok(log, "\n"); p; p = strtok(NULL, "\n")) {
			printf("\t\"");
			for (; *p; p++) {
				if (*p == '"' || *p == '\\')
					putchar('\\');
				putchar(*p);
			}
			printf("\\n\" \\\n");
		}
		printf("\t\"\"\n\n");
		free(log);
	}
}

size_t http_tests(struct CMUnitTest *t)
{
	size_t i, n = 0;
	static char names[ARRAY_SIZE(hcases)][64];

	for (i = 0; i < ARRAY_SIZE(hcases); i++) {
		snprintf(names[i], sizeof(names[i]), "http_%s", hcases[i].name);
		t[n].name = names[i];
		t[n].test_func = test_hcase;
		t[n].setup_func = NULL;
		t[n].teardown_func = NULL;
		t[n].initial_state = (void *)&hcases[i];
		n++;
	}
	t[n++] = (struct CMUnitTest)cmocka_unit_test(test_long_headers);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(test_long_url);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(test_long_trailer);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(test_large_bodies);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(test_stopped);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(test_header_limit);
	t[n++] = (struct CMUnitTest)cmocka_unit_test(test_pipeline_limits);
	return n;
}
