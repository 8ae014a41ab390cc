/**
 * IAM-style policies for ECR actions: parsing and validating policy JSON, and deciding whether a request is allowed
 * by a principal's identity policies and a repository's resource policy.
 */
package io.berth.security.policy;
