/**
 * Verifies AWS Signature Version 4 requests (Authorization header or presigned query string) and presigns URLs, with
 * only JDK cryptography and no HTTP types: the caller adapts its request into a
 * {@link io.berth.security.sigv4.SignedRequest}.
 */
package io.berth.security.sigv4;
