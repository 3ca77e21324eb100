package dev.fleet.member;

import dev.fleet.base.Quoted;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Member icons: a pool of 16 (8 colours as circle and square; a PM pairs a doer's circle with a
 * reviewer's square of the same colour), handed out at registration and back-filled for members
 * registered without one, plus the names a person may use instead of the emoji.
 */
public final class MemberIcons {
    /** Assignment order: every circle first, then every square. */
    public static final List<String> POOL = List.of(
            "🔵", "🟢", "🔴", "🟡", "🟣", "🟠", "🟤", "⚫",
            "🟦", "🟩", "🟥", "🟨", "🟪", "🟧", "🟫", "⬛");
    /** Shown for a member that has no icon (never assigned: it reads as "unset"). */
    public static final String NONE = "⚪";
    public static final String RULE = "must be a named alias (e.g. blue-circle, red-square, green-square) or an emoji "
            + "of at most 8 characters";
    /** The rule an icon with an invisible formatting character breaks (one that passes the others: {@code 🔵\u202e2}). */
    public static final String INVISIBLE_RULE = "must not hold a character that reorders or hides text (a direction mark, "
            + "embedding, override or isolate such as U+202E, or another invisible formatting character; the zero-width "
            + "joiner of emoji sequences is allowed)";

    private static final List<String> COLOURS = List.of("blue", "green", "red", "yellow", "purple", "orange", "brown", "black");
    private static final Map<String, String> ALIASES = aliases();
    private static final Pattern SHORT_NUMBERED = Pattern.compile("^.{1,2}\\d+$");
    private static final int FIRST_EMOJI_BLOCK = 0x1F000;

    private MemberIcons() {
    }

    private static Map<String, String> aliases() {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i < COLOURS.size(); i++) {
            a.put(COLOURS.get(i) + "-circle", POOL.get(i));
            a.put(COLOURS.get(i) + "-square", POOL.get(i + COLOURS.size()));
        }
        return Map.copyOf(a);
    }

    /**
     * The icon to show for a member, with control and format characters escaped: icons are checked
     * when set, yet a registry is a file (edited by hand, written by another build), and an icon
     * holding a terminal escape must not act on the screen or status line that shows it.
     */
    public static String display(Member m) {
        return m.icon() == null || m.icon().isEmpty() ? NONE : Quoted.emoji(m.icon());
    }

    /** Whether {@code icon}, as stored in a registry, meets the rule: a pool icon, a short icon with a number, or an emoji. */
    public static boolean valid(String icon) {
        return resolve(icon).filter(icon::equals).isPresent();
    }

    /**
     * The icon a user asked for: an alias ({@code blue-circle}, any case) or the icon itself.
     * Empty when it is neither a pool icon, a short icon with a number ({@code 🔵2}) nor an emoji.
     */
    public static Optional<String> resolve(String input) {
        if (input == null) {
            return Optional.empty();
        }
        String alias = ALIASES.get(input.strip().toLowerCase(Locale.ROOT));
        if (alias != null) {
            return Optional.of(alias);
        }
        if (input.isEmpty() || input.length() > 8 || input.codePoints().anyMatch(Character::isISOControl)
                || hasInvisibleFormat(input)) {
            return Optional.empty();
        }
        boolean ok = POOL.contains(input)
                || SHORT_NUMBERED.matcher(input).matches()
                || input.codePoints().anyMatch(cp -> cp >= FIRST_EMOJI_BLOCK);
        return ok ? Optional.of(input) : Optional.empty();
    }

    /** The rule a refused icon breaks, for the refusal to name: the invisible-character rule when it holds one. */
    public static String ruleBroken(String input) {
        return input != null && hasInvisibleFormat(input) ? INVISIBLE_RULE : RULE;
    }

    /**
     * A direction mark, embedding, override or isolate (U+200E, U+200F, U+061C, U+202A..U+202E,
     * U+2066..U+2069) or another invisible formatting character: beside a member's name it makes
     * the line read in another order, or two icons look alike that are not. The zero-width joiner
     * is kept: emoji sequences are written with it, and it moves nothing.
     */
    private static boolean hasInvisibleFormat(String s) {
        return s.codePoints().anyMatch(c -> Character.getType(c) == Character.FORMAT && c != 0x200D);
    }

    /** The first pool icon no member uses; past 16 members, numbered ones ({@code 🔵2}, {@code 🟢2}, …). */
    public static String next(Registry registry) {
        Set<String> used = new HashSet<>();
        registry.members().forEach(m -> {
            if (m.icon() != null) {
                used.add(m.icon());
            }
        });
        return next(used);
    }

    static String next(Set<String> used) {
        for (String icon : POOL) {
            if (!used.contains(icon)) {
                return icon;
            }
        }
        for (int n = 2; n <= 99; n++) {
            for (String icon : POOL) {
                if (!used.contains(icon + n)) {
                    return icon + n;
                }
            }
        }
        return POOL.get(0) + "100";
    }

    /** {@code added}, about to join {@code registry}, with the next free icon unless it has one. */
    public static Member withIcon(Registry registry, Member added) {
        return added.icon() != null ? added : added.toBuilder().icon(next(registry)).build();
    }

    /**
     * Gives every member without an icon the next free one, in registration order. Returns the
     * same instance when nothing was missing, so a store writes nothing.
     */
    public static Registry backfill(Registry registry) {
        if (registry.members().stream().allMatch(m -> m.icon() != null && !m.icon().isEmpty())) {
            return registry;
        }
        Set<String> used = new HashSet<>();
        registry.members().forEach(m -> {
            if (m.icon() != null && !m.icon().isEmpty()) {
                used.add(m.icon());
            }
        });
        return registry.mapMembers(m -> {
            if (m.icon() != null && !m.icon().isEmpty()) {
                return m;
            }
            String icon = next(used);
            used.add(icon);
            return m.toBuilder().icon(icon).build();
        });
    }
}
