package dev.fleet.tools;

/** The {@code format} parameter of list_members and member_detail. */
final class MemberFormat {
    static final Param PARAM = Param.oneOf("format", "compact (default): text for reading; json: one line of JSON with the "
            + "original product's keys, for programs.", "compact", "json").withDefault("compact");

    private MemberFormat() {
    }

    static boolean json(ToolInput in) {
        return "json".equals(in.string("format"));
    }
}
