package dev.fleet.member;

/** Rules for values that identify members; shared by tools and the registry. */
public final class MemberRules {
    public static final String NAME_REGEX = "[A-Za-z0-9._-]{1,64}";
    public static final String NAME_RULE = "must be 1 to 64 characters of letters, digits, '.', '_' or '-'";
    /** Absolute POSIX or Windows path, or ~-relative; no control characters (newlines included). */
    public static final String PATH_REGEX = "(?:/|~(?:/|$)|[A-Za-z]:[\\\\/])[^\\x00-\\x1f\\x7f]{0,4095}";
    public static final String PATH_RULE = "must be an absolute path (/..., C:\\... or ~/...) without control characters";
    /**
     * A member's work folder: a path as above with no {@code ..} segment. On the member a {@code ..}
     * is read through any link on the way, so the folder it names cannot be told from the text,
     * and making the folder would make the one before the {@code ..} too, outside it.
     */
    public static final String WORK_FOLDER_REGEX = "(?!(?:.*[/\\\\])?\\.\\.(?:[/\\\\]|$))" + PATH_REGEX;
    public static final String WORK_FOLDER_RULE = PATH_RULE + ", and without '..' segments (name the folder itself)";
    /** A name, an IPv4 address, or an IPv6 address bare or in brackets (both of them or neither). */
    public static final String HOST_REGEX = "[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\\[[0-9A-Fa-f:.]{2,45}\\]|[0-9A-Fa-f:.]{2,45}";
    public static final String HOST_RULE = "must be a hostname, an IPv4 address or an IPv6 address";
    public static final String USERNAME_REGEX = "[A-Za-z0-9._][A-Za-z0-9._@\\\\-]{0,63}";
    public static final String USERNAME_RULE = "must be 1 to 64 characters of letters, digits, '.', '_', '@', '\\' or '-'";
    public static final String CLOUD_INSTANCE_ID_REGEX = "i-[0-9a-f]{8,17}";
    public static final String CLOUD_INSTANCE_ID_RULE = "must be 'i-' followed by 8 to 17 lowercase hex digits";
    public static final String CLOUD_REGION_REGEX = "[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}";
    public static final String CLOUD_REGION_RULE = "must be an AWS region name such as us-east-1 or eu-west-2";
    public static final String CLOUD_PROFILE_REGEX = "[A-Za-z0-9._+=@,-]{1,64}";
    public static final String CLOUD_PROFILE_RULE = "must be 1 to 64 characters of letters, digits and . _ + = @ , -";
    /** Session ids come from the agent CLI; anything else is refused before it can reach a command line. */
    public static final String SESSION_ID_REGEX = "[A-Za-z0-9_-]{1,128}";

    private MemberRules() {
    }

    public static boolean isValidSessionId(String id) {
        return id != null && id.matches(SESSION_ID_REGEX);
    }
}
