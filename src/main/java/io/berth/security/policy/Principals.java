package io.berth.security.policy;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The principals a resource-policy statement names: everyone, whole accounts, or single users. */
final class Principals {

    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern ROOT = Pattern.compile("arn:aws:iam::(\\d{12}):root");
    // IAM user names and path parts: letters, digits and +=,.@_- ; the path is part of the ARN and matched whole.
    private static final Pattern USER = Pattern.compile("arn:aws:iam::\\d{12}:user(/[\\w+=,.@-]+)+");
    private static final String EXPECTED = "expected \"*\", a 12-digit account id, arn:aws:iam::<account>:root or "
            + "arn:aws:iam::<account>:user/<name>";

    private final boolean everyone;
    private final Set<String> accounts;
    private final Set<String> users;

    private Principals(boolean everyone, Set<String> accounts, Set<String> users) {
        this.everyone = everyone;
        this.accounts = Set.copyOf(accounts);
        this.users = Set.copyOf(users);
    }

    /** {@code where} names the element, e.g. "Statement[0]: Principal". */
    static Principals parse(JsonValue value, String where) {
        if (value.getValueType() == JsonValue.ValueType.STRING) {
            if ("*".equals(((JsonString) value).getString())) {
                return new Principals(true, Set.of(), Set.of());
            }
            throw new PolicyException(where + " must be \"*\" or an object such as {\"AWS\": \"123456789012\"}");
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new PolicyException(where + " must be \"*\" or an object such as {\"AWS\": \"123456789012\"}");
        }
        JsonObject object = value.asJsonObject();
        for (String type : object.keySet()) {
            if (!"AWS".equals(type)) {
                throw new PolicyException(where + " '" + type + "' is not supported: only AWS principals "
                        + "(accounts and users) are");
            }
        }
        if (!object.containsKey("AWS")) {
            throw new PolicyException(where + " names no principals; " + EXPECTED);
        }
        boolean everyone = false;
        Set<String> accounts = new HashSet<>();
        Set<String> users = new HashSet<>();
        for (String principal : PolicyJson.strings(object.get("AWS"), where + " AWS")) {
            Matcher root = ROOT.matcher(principal);
            if ("*".equals(principal)) {
                everyone = true;
            } else if (ACCOUNT.matcher(principal).matches()) {
                accounts.add(principal);
            } else if (root.matches()) {
                accounts.add(root.group(1));
            } else if (USER.matcher(principal).matches()) {
                users.add(principal);
            } else {
                throw new PolicyException(where + " AWS '" + principal + "' is not a supported principal: " + EXPECTED);
            }
        }
        return new Principals(everyone, accounts, users);
    }

    boolean matches(AccessRequest request) {
        // Requests reaching a policy are authenticated, so "*" is every principal; an account (or its root) stands
        // for every principal of that account, as in IAM.
        return everyone || accounts.contains(request.principalAccount()) || users.contains(request.principalArn());
    }
}
