package io.berth.lifecycle;

/** A lifecycle policy that is not valid JSON or breaks one of ECR's rules; the message says which rule and why. */
public class LifecyclePolicyException extends RuntimeException {

    public LifecyclePolicyException(String message) {
        super(message);
    }
}
