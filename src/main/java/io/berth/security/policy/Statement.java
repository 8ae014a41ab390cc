package io.berth.security.policy;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** One validated policy statement, and whether it applies to a request. */
final class Statement {

    private static final List<String> MEMBERS = List.of("Sid", "Effect", "Action", "NotAction", "Resource",
            "NotResource", "Principal", "NotPrincipal", "Condition");
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}|[0-9*?]*[*?][0-9*?]*|");
    private static final Pattern REGION = Pattern.compile("[a-z0-9*?-]*");

    private final String sid;
    private final boolean deny;
    private final List<String> actions; // lower case: IAM matches actions case-insensitively
    private final boolean notAction;
    private final List<String> resources; // null: the resource policy's own resource, i.e. any
    private final boolean notResource;
    private final Principals principals; // null in identity policies
    private final boolean notPrincipal;
    private final Condition condition;

    private Statement(String sid, boolean deny, List<String> actions, boolean notAction, List<String> resources,
            boolean notResource, Principals principals, boolean notPrincipal, Condition condition) {
        this.sid = sid;
        this.deny = deny;
        this.actions = actions;
        this.notAction = notAction;
        this.resources = resources;
        this.notResource = notResource;
        this.principals = principals;
        this.notPrincipal = notPrincipal;
        this.condition = condition;
    }

    String sid() {
        return sid;
    }

    boolean deny() {
        return deny;
    }

    boolean applies(AccessRequest request) {
        return matchesAction(request.action()) && matchesResource(request.resourceArn())
                && matchesPrincipal(request) && condition.holds(request);
    }

    private boolean matchesAction(String action) {
        String name = action.toLowerCase(Locale.ROOT);
        return notAction != actions.stream().anyMatch(pattern -> Wildcards.matches(pattern, name));
    }

    private boolean matchesResource(String resource) {
        if (resources == null) {
            return true;
        }
        return notResource != resources.stream().anyMatch(pattern -> "*".equals(pattern)
                || !"*".equals(resource) && Condition.arnMatches(pattern, resource));
    }

    private boolean matchesPrincipal(AccessRequest request) {
        return principals == null || notPrincipal != principals.matches(request);
    }

    /** {@code position} is "Statement[2]" (or "Statement" for a lone statement object). */
    /** Conditions on keys that Berth never sets: see {@link Condition#unsupportedKeys()}. */
    List<String> unsupportedConditionKeys() {
        return condition == null ? List.of() : condition.unsupportedKeys();
    }

    static Statement parse(JsonValue value, String position, PolicyKind kind) {
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new PolicyException(position + " must be an object");
        }
        JsonObject json = value.asJsonObject();
        String sid = PolicyJson.optionalString(json, "Sid", position);
        // Errors name the statement by its Sid when it has one: that is what its author knows it by.
        String where = sid == null || sid.isEmpty() ? position : "Statement '" + sid + "'";
        PolicyJson.onlyMembers(json, MEMBERS, where);

        String effect = PolicyJson.optionalString(json, "Effect", where);
        if (effect == null) {
            throw new PolicyException(where + ": Effect is missing; it must be \"Allow\" or \"Deny\"");
        }
        if (!effect.equals("Allow") && !effect.equals("Deny")) {
            throw new PolicyException(where + ": Effect '" + effect + "' must be \"Allow\" or \"Deny\"");
        }

        String actionMember = exactlyOne(json, "Action", "NotAction", where, true);
        List<String> actions = new ArrayList<>();
        for (String action : PolicyJson.strings(json.get(actionMember), where + ": " + actionMember)) {
            actions.add(action(action, where + ": " + actionMember));
        }

        String resourceMember = exactlyOne(json, "Resource", "NotResource", where, kind == PolicyKind.IDENTITY);
        List<String> resources = null;
        if (resourceMember != null) {
            resources = PolicyJson.strings(json.get(resourceMember), where + ": " + resourceMember);
            resources.forEach(resource -> checkResource(resource, where + ": " + resourceMember));
        }

        Principals principals = null;
        String principalMember = exactlyOne(json, "Principal", "NotPrincipal", where, false);
        if (kind == PolicyKind.IDENTITY && principalMember != null) {
            throw new PolicyException(where + ": " + principalMember + " is not allowed in an identity policy; it "
                    + "applies to the users and groups it is attached to");
        }
        if (kind == PolicyKind.RESOURCE) {
            if (principalMember == null) {
                throw new PolicyException(where + ": Principal or NotPrincipal is missing; a repository policy "
                        + "statement must say whom it applies to");
            }
            principals = Principals.parse(json.get(principalMember), where + ": " + principalMember);
        }

        Condition condition = json.containsKey("Condition") ? Condition.parse(json.get("Condition"), where)
                : Condition.NONE;
        return new Statement(sid, effect.equals("Deny"), List.copyOf(actions), actionMember.equals("NotAction"),
                resources, "NotResource".equals(resourceMember), principals, "NotPrincipal".equals(principalMember),
                condition);
    }

    /** Which of the two exclusive members is present; null when neither is and neither is required. */
    private static String exactlyOne(JsonObject json, String member, String notMember, String where,
            boolean required) {
        boolean plain = json.containsKey(member);
        boolean not = json.containsKey(notMember);
        if (plain && not) {
            throw new PolicyException(where + " has both " + member + " and " + notMember + "; use one of them");
        }
        if (!plain && !not && required) {
            throw new PolicyException(where + ": " + member + " or " + notMember + " is missing");
        }
        return plain ? member : not ? notMember : null;
    }

    /** The one CloudTrail action Berth has: reading the audit trail. */
    private static final Set<String> CLOUDTRAIL_ACTIONS = Set.of("cloudtrail:lookupevents");

    /** Validates an action pattern and returns it in lower case. */
    private static String action(String action, String where) {
        if (action.equals("*")) {
            return action;
        }
        int colon = action.indexOf(':');
        if (colon < 0) {
            throw new PolicyException(where + " '" + action + "' is not an action; expected \"*\" or "
                    + "\"ecr:<action>\"");
        }
        String service = action.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!service.equals("ecr") && !service.equals("cloudtrail")) {
            throw new PolicyException(where + " '" + action + "' is not supported: only ecr: actions and"
                    + " cloudtrail:LookupEvents are supported");
        }
        String pattern = action.toLowerCase(Locale.ROOT);
        Set<String> known = service.equals("ecr") ? EcrActions.LOWER_CASE : CLOUDTRAIL_ACTIONS;
        if (!Wildcards.hasWildcard(pattern)) {
            if (!known.contains(pattern)) {
                throw new PolicyException(where + " '" + action + "' is an unknown action");
            }
        } else if (known.stream().noneMatch(k -> Wildcards.matches(pattern, k))) {
            throw new PolicyException(where + " '" + action + "' matches no action Berth knows");
        }
        return pattern;
    }

    private static void checkResource(String resource, String where) {
        if (resource.equals("*")) {
            return;
        }
        PolicyJson.noPolicyVariables(resource, where);
        String[] parts = resource.split(":", 6);
        String problem = null;
        if (!resource.startsWith("arn:")) {
            problem = "it must be \"*\" or start with \"arn:\"";
        } else if (parts.length < 6) {
            problem = "it needs six colon-separated parts, arn:partition:service:region:account:resource";
        } else if (parts[1].isEmpty()) {
            problem = "the partition is empty";
        } else if (!parts[2].equals("ecr") && !parts[2].equals("*")) {
            problem = "the service must be ecr";
        } else if (!REGION.matcher(parts[3]).matches()) {
            problem = "the region '" + parts[3] + "' is not a region name";
        } else if (!ACCOUNT.matcher(parts[4]).matches()) {
            problem = "the account must be empty, 12 digits or a wildcard pattern";
        } else if (!parts[5].equals("*") && !Wildcards.hasWildcard(parts[5])
                && !(parts[5].startsWith("repository/") && parts[5].length() > "repository/".length())) {
            problem = "the resource must be repository/<name>";
        } else if (parts[5].chars().anyMatch(Character::isWhitespace)) {
            problem = "it contains white space";
        }
        if (problem != null) {
            throw new PolicyException(where + " '" + resource + "' is not a valid ARN: " + problem);
        }
    }
}
