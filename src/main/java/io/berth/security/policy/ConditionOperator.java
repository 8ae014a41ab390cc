package io.berth.security.policy;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A condition operator as written in a policy: a base test, possibly negated, with an optional set qualifier
 * ("ForAnyValue:", "ForAllValues:") and an optional "IfExists" suffix.
 */
record ConditionOperator(String name, Test test, boolean negated, Qualifier qualifier, boolean ifExists) {

    /** How one request value is compared with one policy value. */
    enum Test { STRING_EQUALS, STRING_EQUALS_IGNORE_CASE, STRING_LIKE, ARN_LIKE, IP_ADDRESS, BOOL, NULL }

    /** How the values of a multi-valued key combine. */
    enum Qualifier { SINGLE, FOR_ANY_VALUE, FOR_ALL_VALUES }

    private record Base(Test test, boolean negated) {
    }

    private static final Map<String, Base> BASES = new LinkedHashMap<>();

    static {
        BASES.put("StringEquals", new Base(Test.STRING_EQUALS, false));
        BASES.put("StringNotEquals", new Base(Test.STRING_EQUALS, true));
        BASES.put("StringEqualsIgnoreCase", new Base(Test.STRING_EQUALS_IGNORE_CASE, false));
        BASES.put("StringNotEqualsIgnoreCase", new Base(Test.STRING_EQUALS_IGNORE_CASE, true));
        BASES.put("StringLike", new Base(Test.STRING_LIKE, false));
        BASES.put("StringNotLike", new Base(Test.STRING_LIKE, true));
        // IAM documents ArnEquals and ArnLike as the same test: segment by segment, with wildcards.
        BASES.put("ArnEquals", new Base(Test.ARN_LIKE, false));
        BASES.put("ArnLike", new Base(Test.ARN_LIKE, false));
        BASES.put("ArnNotEquals", new Base(Test.ARN_LIKE, true));
        BASES.put("ArnNotLike", new Base(Test.ARN_LIKE, true));
        BASES.put("IpAddress", new Base(Test.IP_ADDRESS, false));
        BASES.put("NotIpAddress", new Base(Test.IP_ADDRESS, true));
        BASES.put("Bool", new Base(Test.BOOL, false));
        BASES.put("Null", new Base(Test.NULL, false));
    }

    /** Parses an operator name (case-sensitive, as in IAM); {@code where} is the statement's label. */
    static ConditionOperator parse(String name, String where) {
        String rest = name;
        Qualifier qualifier = Qualifier.SINGLE;
        if (rest.startsWith("ForAnyValue:")) {
            qualifier = Qualifier.FOR_ANY_VALUE;
            rest = rest.substring("ForAnyValue:".length());
        } else if (rest.startsWith("ForAllValues:")) {
            qualifier = Qualifier.FOR_ALL_VALUES;
            rest = rest.substring("ForAllValues:".length());
        }
        boolean ifExists = rest.endsWith("IfExists");
        if (ifExists) {
            rest = rest.substring(0, rest.length() - "IfExists".length());
        }
        Base base = BASES.get(rest);
        if (base == null) {
            throw new PolicyException(where + ": Condition operator '" + name + "' is not supported (supported: "
                    + String.join(", ", BASES.keySet()) + ", optionally with ForAnyValue: or ForAllValues: "
                    + "before and IfExists after)");
        }
        // Null only asks whether a key is there, so "if it exists" and per-value qualifiers make no sense with it.
        if (base.test() == Test.NULL && (ifExists || qualifier != Qualifier.SINGLE)) {
            throw new PolicyException(where + ": Condition operator '" + name + "' is not supported: Null takes "
                    + "neither IfExists nor ForAnyValue:/ForAllValues:");
        }
        return new ConditionOperator(name, base.test(), base.negated(), qualifier, ifExists);
    }
}
