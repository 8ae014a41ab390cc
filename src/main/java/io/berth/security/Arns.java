package io.berth.security;

/** ARNs in Amazon's forms, with Berth's account ids and region. */
public final class Arns {

    private Arns() {
    }

    public static String user(String accountId, String userName) {
        return "arn:aws:iam::" + accountId + ":user/" + userName;
    }

    public static String accountRoot(String accountId) {
        return "arn:aws:iam::" + accountId + ":root";
    }
}
