/**
 * The HTTP API's messages as typed records, shared by the servers, the dealer and the client: one
 * record per JSON body (see docs/api.md). Requests are read strictly (unknown fields, missing bodies
 * and {@code null} are refused); answers are read leniently by the client, so that a newer server may
 * add fields.
 */
package io.sonic.cloud.api;
