package io.berth.console;

import io.berth.iam.IamApi;
import io.berth.security.AccessKey;
import io.berth.security.Group;
import io.berth.security.Identities;
import io.berth.security.InlinePolicy;
import io.berth.security.InlinePolicy.OwnerKind;
import io.berth.security.User;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The console's identity pages: the account's users and groups, a user's password, access keys, groups and inline
 * policies, a group's members and inline policies. Reading is for administrators only, as IAM is; every form is one
 * IAM call made as the signed-in user ({@link ConsoleActions}), so that IAM's checks and audit record apply. A
 * user's pages are {@code /users/NAME} and {@code /users/NAME/FORM}: IAM names never hold a {@code /}.
 */
@ApplicationScoped
public class IdentityPages implements ConsoleArea {

    static final String USERS = "/users";
    static final String GROUPS = "/groups";
    private static final String SECTION = "identity";
    /** IAM's user, group and policy names: nothing else is looked up or put into a link. */
    private static final Pattern NAME = Pattern.compile("[\\w+=,.@-]+");

    @Inject
    Identities identities;

    @Inject
    ConsoleActions actions;

    @Override
    public boolean serves(String path) {
        return path.equals(USERS) || path.equals(GROUPS) || path.startsWith(USERS + "/")
                || path.startsWith(GROUPS + "/");
    }

    @Override
    public void get(ConsolePage page) throws IOException {
        String path = page.path();
        Target target = Target.of(path);
        if (!path.equals(USERS) && !path.equals(GROUPS) && (target == null || !target.form().isEmpty())) {
            page.notFound();
        } else if (!page.caller().administrator()) {
            // IAM answers only administrators: say which call the page would need.
            String action = path.equals(USERS) ? "ListUsers" : path.equals(GROUPS) ? "ListGroups"
                    : target.user() ? "GetUser" : "GetGroup";
            page.refused(SECTION, "You may not open this page: only the account's administrators may call iam:"
                    + action + ", and your user is not one.");
        } else if (path.equals(USERS)) {
            users(page, "", null);
        } else if (path.equals(GROUPS)) {
            groups(page, "", null);
        } else if (target.user()) {
            user(page, target.name(), Problem.NONE, null);
        } else {
            group(page, target.name(), Problem.NONE);
        }
    }

    @Override
    public void post(ConsolePage page) throws IOException {
        if (page.path().equals(USERS)) {
            createUser(page);
            return;
        }
        if (page.path().equals(GROUPS)) {
            createGroup(page);
            return;
        }
        Target target = Target.of(page.path());
        if (target == null) {
            page.notFound();
        } else if (target.user()) {
            userForm(page, target);
        } else {
            groupForm(page, target);
        }
    }

    /** A user's or group's name, and which of its forms is posted ("" for its page). */
    private record Target(boolean user, String name, String form) {
        static Target of(String path) {
            boolean user = path.startsWith(USERS + "/");
            if (!user && !path.startsWith(GROUPS + "/")) {
                return null;
            }
            String rest = path.substring((user ? USERS : GROUPS).length() + 1);
            int slash = rest.indexOf('/');
            String name = slash < 0 ? rest : rest.substring(0, slash);
            String form = slash < 0 ? "" : rest.substring(slash + 1);
            return NAME.matcher(name).matches() ? new Target(user, name, form) : null;
        }

        String link() {
            return (user ? USERS : GROUPS) + "/" + name;
        }
    }

    /**
     * What a refused form sends back to its page: IAM's message, and for a policy the text as typed, shown beside
     * it ({@code added}: in the form that adds a policy rather than in the stored one's).
     */
    private record Problem(String message, String policyName, String policyText, boolean added) {
        static final Problem NONE = new Problem(null, null, null, false);

        static Problem of(String message) {
            return new Problem(message, null, null, false);
        }

        int status() {
            return message == null ? 200 : 400;
        }
    }

    /** An IAM error as the page says it: its code and message, which names a missing permission. */
    static String message(IamApi.Outcome outcome) {
        return outcome.errorCode() + ": " + outcome.errorMessage();
    }

    /**
     * After a form's IAM call: on success 303 to the page with a note; a refusal (not an administrator) as the
     * refusal page; another error on the page, 400.
     */
    private void after(ConsolePage page, Target target, IamApi.Outcome outcome, String done, Problem problem)
            throws IOException {
        if (outcome.succeeded()) {
            page.redirect(target.link(), done);
        } else if ("AccessDenied".equals(outcome.errorCode())) {
            page.refused(SECTION, message(outcome));
        } else {
            Problem shown = problem != null ? problem : Problem.of(message(outcome));
            if (target.user()) {
                user(page, target.name(), shown, null);
            } else {
                group(page, target.name(), shown);
            }
        }
    }

    // --- the lists ----------------------------------------------------------------------------------------------

    private void users(ConsolePage page, String userName, String error) throws IOException {
        Map<String, Object> model = page.model(SECTION);
        model.put("tab", "users");
        model.put("users", identities.users(page.account()).stream().map(user -> new UserRow(user.name(),
                Format.time(user.createdAt()), user.administrator(), user.hasPassword(),
                identities.accessKeys(user).stream().filter(AccessKey::active).count())).toList());
        model.put("userName", userName);
        model.put("error", error);
        page.render(error == null ? 200 : 400, "users", model);
    }

    private void createUser(ConsolePage page) throws IOException {
        create(page, "CreateUser", "UserName", USERS, "user", this::users);
    }

    private void groups(ConsolePage page, String groupName, String error) throws IOException {
        Map<String, Object> model = page.model(SECTION);
        model.put("tab", "groups");
        model.put("groups", identities.groups(page.account()).stream().map(group -> new GroupRow(group.name(),
                Format.time(group.createdAt()), identities.members(group).size())).toList());
        model.put("groupName", groupName);
        model.put("error", error);
        page.render(error == null ? 200 : 400, "groups", model);
    }

    private void createGroup(ConsolePage page) throws IOException {
        create(page, "CreateGroup", "GroupName", GROUPS, "group", this::groups);
    }

    /** A list's page, shown again with the name typed and IAM's message. */
    private interface ListPage {
        void show(ConsolePage page, String name, String error) throws IOException;
    }

    /** CreateUser or CreateGroup: to the new one's page, or its list again with the error. */
    private void create(ConsolePage page, String action, String parameter, String list, String kind,
                        ListPage again) throws IOException {
        // The form names its field as IAM its parameter, in lower camel case (userName, groupName).
        String name = page.param(Character.toLowerCase(parameter.charAt(0)) + parameter.substring(1));
        IamApi.Outcome outcome = actions.iam(page, action, Map.of(parameter, name));
        if (outcome.succeeded()) {
            page.redirect(list + "/" + name, "Created " + kind + " " + name + ".");
        } else if ("AccessDenied".equals(outcome.errorCode())) {
            page.refused(SECTION, message(outcome));
        } else {
            again.show(page, name, message(outcome));
        }
    }

    // --- a user -------------------------------------------------------------------------------------------------

    /**
     * A user's page; {@code newKey} is an access key just created, whose secret this page shows once: it is
     * rendered as the answer to the form, never kept in the session or put in a URL.
     */
    private void user(ConsolePage page, String name, Problem problem, NewKey newKey) throws IOException {
        Optional<User> found = identities.findUser(page.account(), name);
        if (found.isEmpty()) {
            page.notFound();
            return;
        }
        User user = found.get();
        List<String> groups = identities.groupsOf(user).stream().map(Group::name).toList();
        List<AccessKey> keys = identities.accessKeys(user);
        Map<String, Object> model = ownerModel(page, "users", name, USERS, problem,
                identities.policies(OwnerKind.USER, user.id()));
        model.put("arn", user.arn());
        model.put("created", Format.time(user.createdAt()));
        model.put("administrator", user.administrator());
        model.put("hasPassword", user.hasPassword());
        model.put("keys", keys.stream().map(key -> new KeyRow(key.id(), key.active(), Format.time(key.createdAt())))
                .toList());
        model.put("mayCreateKey", keys.size() < Identities.MAX_ACCESS_KEYS);
        model.put("maxKeys", Identities.MAX_ACCESS_KEYS);
        model.put("newKey", newKey);
        model.put("groups", groups);
        model.put("otherGroups", identities.groups(page.account()).stream().map(Group::name)
                .filter(group -> !groups.contains(group)).toList());
        page.render(problem.status(), "user", model);
    }

    private void userForm(ConsolePage page, Target user) throws IOException {
        String name = user.name();
        switch (user.form()) {
            case "password" -> {
                // IAM's login profile: created the first time, updated after.
                boolean hasPassword = identities.findUser(page.account(), name).map(User::hasPassword)
                        .orElse(false);
                after(page, user, actions.iam(page, hasPassword ? "UpdateLoginProfile" : "CreateLoginProfile",
                        Map.of("UserName", name, "Password", page.text("password"))),
                        hasPassword ? "Changed the password." : "Set the password.", null);
            }
            case "delete-password" -> after(page, user, actions.iam(page, "DeleteLoginProfile",
                    Map.of("UserName", name)), "Removed the password.", null);
            case "create-key" -> createKey(page, user);
            case "key-status" -> {
                boolean activate = page.param("status").equals("Active");
                after(page, user, actions.iam(page, "UpdateAccessKey", Map.of("UserName", name,
                        "AccessKeyId", page.param("key"), "Status", activate ? "Active" : "Inactive")),
                        (activate ? "Activated" : "Deactivated") + " access key " + page.param("key") + ".", null);
            }
            case "delete-key" -> after(page, user, actions.iam(page, "DeleteAccessKey", Map.of("UserName", name,
                    "AccessKeyId", page.param("key"))), "Deleted access key " + page.param("key") + ".", null);
            case "add-group" -> after(page, user, actions.iam(page, "AddUserToGroup", Map.of("UserName", name,
                    "GroupName", page.param("group"))), "Added to group " + page.param("group") + ".", null);
            case "remove-group" -> after(page, user, actions.iam(page, "RemoveUserFromGroup", Map.of("UserName",
                    name, "GroupName", page.param("group"))), "Removed from group " + page.param("group") + ".",
                    null);
            case "policy" -> putPolicy(page, user, "PutUserPolicy", "UserName");
            case "delete-policy" -> after(page, user, actions.iam(page, "DeleteUserPolicy", Map.of("UserName",
                    name, "PolicyName", page.param("policyName"))), "Deleted policy " + page.param("policyName")
                    + ".", null);
            case "delete" -> deleteUser(page, user);
            default -> page.notFound();
        }
    }

    private void createKey(ConsolePage page, Target user) throws IOException {
        IamApi.Outcome outcome = actions.iam(page, "CreateAccessKey", Map.of("UserName", user.name()));
        if (outcome.succeeded()) {
            // The answer page itself shows the secret (not a redirect): nothing else ever holds it.
            user(page, user.name(), Problem.NONE, new NewKey(element(outcome.xml(), "AccessKeyId"),
                    element(outcome.xml(), "SecretAccessKey")));
        } else {
            after(page, user, outcome, null, null);
        }
    }

    /** An element's text in IAM's answer; key ids and secrets are letters, digits, + and /, never escaped. */
    private static String element(String xml, String name) {
        Matcher matcher = Pattern.compile("<" + name + ">([^<]*)</" + name + ">").matcher(xml);
        if (!matcher.find()) {
            throw new IllegalStateException("IAM's answer has no " + name);
        }
        return matcher.group(1);
    }

    /** IAM deletes only a user with nothing left attached: it says what, as its DeleteConflict message. */
    private void deleteUser(ConsolePage page, Target user) throws IOException {
        if (!page.param("confirm").equals(user.name())) {
            user(page, user.name(), Problem.of("Type the user's name to confirm that you mean to delete it."),
                    null);
            return;
        }
        IamApi.Outcome outcome = actions.iam(page, "DeleteUser", Map.of("UserName", user.name()));
        if (outcome.succeeded()) {
            page.redirect(USERS, "Deleted user " + user.name() + ".");
        } else {
            after(page, user, outcome, null, null);
        }
    }

    // --- a group ------------------------------------------------------------------------------------------------

    private void group(ConsolePage page, String name, Problem problem) throws IOException {
        Optional<Group> found = identities.findGroup(page.account(), name);
        if (found.isEmpty()) {
            page.notFound();
            return;
        }
        Group group = found.get();
        List<String> members = identities.members(group).stream().map(User::name).toList();
        Map<String, Object> model = ownerModel(page, "groups", name, GROUPS, problem,
                identities.policies(OwnerKind.GROUP, group.id()));
        model.put("arn", group.arn());
        model.put("created", Format.time(group.createdAt()));
        model.put("members", members);
        model.put("otherUsers", identities.users(page.account()).stream().map(User::name)
                .filter(user -> !members.contains(user)).toList());
        page.render(problem.status(), "group", model);
    }

    private void groupForm(ConsolePage page, Target group) throws IOException {
        String name = group.name();
        switch (group.form()) {
            case "add-member" -> after(page, group, actions.iam(page, "AddUserToGroup", Map.of("GroupName", name,
                    "UserName", page.param("user"))), "Added " + page.param("user") + " to the group.", null);
            case "remove-member" -> after(page, group, actions.iam(page, "RemoveUserFromGroup", Map.of("GroupName",
                    name, "UserName", page.param("user"))), "Removed " + page.param("user") + " from the group.",
                    null);
            case "policy" -> putPolicy(page, group, "PutGroupPolicy", "GroupName");
            case "delete-policy" -> after(page, group, actions.iam(page, "DeleteGroupPolicy", Map.of("GroupName",
                    name, "PolicyName", page.param("policyName"))), "Deleted policy " + page.param("policyName")
                    + ".", null);
            default -> page.notFound();
        }
    }

    // --- inline policies (a user's or a group's) ----------------------------------------------------------------

    /** What the user and group pages share: the names, the error, the inline policies with a failed edit kept. */
    private static Map<String, Object> ownerModel(ConsolePage page, String tab, String name, String list,
                                                  Problem problem, List<InlinePolicy> stored) {
        Map<String, Object> model = page.model(SECTION);
        model.put("tab", tab);
        model.put("name", name);
        model.put("base", "/console" + list + "/" + name);
        boolean policyProblem = problem.policyName() != null;
        // A stored policy's failed edit stays in its own editor; anything else in the form that adds one.
        boolean besideStored = policyProblem && !problem.added()
                && stored.stream().anyMatch(policy -> policy.name().equals(problem.policyName()));
        model.put("error", policyProblem ? null : problem.message());
        model.put("policies", stored.stream().map(policy -> besideStored
                && policy.name().equals(problem.policyName())
                ? new PolicyView(policy.name(), problem.policyText(), problem.message())
                : new PolicyView(policy.name(), policy.document(), null)).toList());
        model.put("newPolicy", policyProblem && !besideStored
                ? new PolicyView(problem.policyName(), problem.policyText(), problem.message())
                : new PolicyView("", "", null));
        return model;
    }

    /** PutUserPolicy or PutGroupPolicy: adds a policy, or replaces the one of that name. */
    private void putPolicy(ConsolePage page, Target owner, String action, String ownerParameter) throws IOException {
        String policyName = page.param("policyName");
        String text = page.text("policyDocument");
        IamApi.Outcome outcome = actions.iam(page, action, Map.of(ownerParameter, owner.name(), "PolicyName",
                policyName, "PolicyDocument", text));
        after(page, owner, outcome, "Saved policy " + policyName + ".",
                new Problem(outcome.succeeded() ? null : message(outcome), policyName, text, page.checked("added")));
    }

    // --- what the templates show --------------------------------------------------------------------------------

    /** A user as the list shows it. */
    public record UserRow(String name, String created, boolean administrator, boolean hasPassword,
                          long activeKeys) {
    }

    /** A group as the list shows it. */
    public record GroupRow(String name, String created, int members) {
    }

    public record KeyRow(String id, boolean active, String created) {
    }

    /** An access key just created, with its secret: shown once, on the page that answers the form. */
    public record NewKey(String id, String secret) {
    }

    /** An inline policy in its editor: the text stored or as typed, and IAM's message about it. */
    public record PolicyView(String name, String text, String error) {
    }
}
