package io.berth.distribution;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The ECR action that guards a {@code /v2} operation on the repository named in its path. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@interface Guarded {
    String value();
}
