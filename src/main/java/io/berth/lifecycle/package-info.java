/**
 * Amazon ECR lifecycle policies: parsing and validating the policy JSON, and working out which images a policy
 * expires. Pure Java, no container services, so the rules can be tested on their own.
 */
package io.berth.lifecycle;
