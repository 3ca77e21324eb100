package dev.fleet.exec.ssh;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * The file side of an SFTP server on a Windows host, in memory, for the path logic only: paths
 * come in any of the forms OpenSSH for Windows accepts ({@code /C:/x}, {@code C:\x}, mixed
 * separators), names are found without regard to case, links (symlinks and junctions alike) are
 * followed in every part but the last, as Windows does, and readlink answers with the target as
 * it was set (backslashes, {@code \\?\} and all). Only lstat, readlink and readDir answer;
 * anything else fails the test. Not a Windows host: how a real one reports junctions is not shown.
 */
final class WindowsSftpFake {
    private enum Kind { FOLDER, FILE, LINK }

    private record Entry(String shownPath, Kind kind, String target) {
    }

    /** By key: the drive and names in upper case, joined with '/'. */
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    WindowsSftpFake folder(String path) {
        entries.put(key(parts(path)), new Entry(path, Kind.FOLDER, null));
        return this;
    }

    WindowsSftpFake file(String path) {
        entries.put(key(parts(path)), new Entry(path, Kind.FILE, null));
        return this;
    }

    /** A symbolic link or junction at {@code path} whose target reads back as {@code target}. */
    WindowsSftpFake link(String path, String target) {
        entries.put(key(parts(path)), new Entry(path, Kind.LINK, target));
        return this;
    }

    SftpClient client() {
        return (SftpClient) Proxy.newProxyInstance(SftpClient.class.getClassLoader(), new Class<?>[] {SftpClient.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "lstat" -> attributes(lookup((String) args[0]).kind());
                    case "readLink" -> {
                        Entry e = lookup((String) args[0]);
                        if (e.kind() != Kind.LINK) {
                            throw new SftpException(SftpConstants.SSH_FX_FAILURE, "not a link");
                        }
                        yield e.target();
                    }
                    case "readDir" -> list((String) args[0]);
                    case "toString" -> "WindowsSftpFake";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException("the fake Windows SFTP server has no " + method.getName());
                });
    }

    private List<SftpClient.DirEntry> list(String path) throws SftpException {
        List<String> folder = follow(parts(path), true);
        List<SftpClient.DirEntry> found = new ArrayList<>();
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            List<String> p = parts(e.getValue().shownPath());
            if (p.size() == folder.size() + 1 && key(p.subList(0, folder.size())).equals(key(folder))) {
                found.add(new SftpClient.DirEntry(p.get(p.size() - 1), p.get(p.size() - 1), attributes(e.getValue().kind())));
            }
        }
        return found;
    }

    /** The entry at {@code path}, its last part not followed (lstat). */
    private Entry lookup(String path) throws SftpException {
        Entry e = entries.get(key(follow(parts(path), false)));
        if (e == null) {
            throw new SftpException(SftpConstants.SSH_FX_NO_SUCH_FILE, "no such file: " + path);
        }
        return e;
    }

    /** The parts of {@code path} with every link but (unless {@code last}) the last one followed. */
    private List<String> follow(List<String> path, boolean last) throws SftpException {
        List<String> done = new ArrayList<>(path.subList(0, 1));
        List<String> rest = new ArrayList<>(path.subList(1, path.size()));
        for (int hops = 0; !rest.isEmpty(); ) {
            String name = rest.remove(0);
            done.add(name);
            Entry e = entries.get(key(done));
            if (e != null && e.kind() == Kind.LINK && (last || !rest.isEmpty())) {
                if (++hops > 60) {
                    throw new SftpException(SftpConstants.SSH_FX_FAILURE, "too many links");
                }
                done.remove(done.size() - 1);
                List<String> target = e.target().matches("^[\\\\/]*[?.]*[\\\\/]*[A-Za-z]:.*") || e.target().startsWith("/")
                        ? parts(e.target()) : null;
                List<String> next = new ArrayList<>(target != null ? target.subList(1, target.size()) : relative(e.target()));
                if (target != null) {
                    done = new ArrayList<>(target.subList(0, 1));
                }
                next.addAll(rest);
                rest = next;
            }
        }
        return normal(done);
    }

    private static List<String> relative(String target) {
        return new ArrayList<>(Arrays.asList(target.replace('\\', '/').split("/")));
    }

    /** The drive and names of an absolute path, as Windows reads it ('..' lexically, at the root it stays). */
    private static List<String> parts(String path) {
        String s = path.replace('\\', '/').replaceFirst("^/*(\\?\\?|\\?)?/*", "");
        List<String> p = new ArrayList<>(Arrays.asList(s.split("/")));
        if (p.isEmpty() || !p.get(0).matches("[A-Za-z]:")) {
            throw new IllegalArgumentException("the fake knows drives only: " + path);
        }
        return normal(p);
    }

    private static List<String> normal(List<String> p) {
        List<String> out = new ArrayList<>();
        for (String n : p) {
            if (n.isEmpty() || n.equals(".")) {
                continue;
            }
            if (n.equals("..")) {
                if (out.size() > 1) {
                    out.remove(out.size() - 1);
                }
                continue;
            }
            out.add(n);
        }
        return out;
    }

    private static String key(List<String> parts) {
        return String.join("/", parts).toUpperCase(Locale.ROOT);
    }

    private static SftpClient.Attributes attributes(Kind kind) {
        int type = switch (kind) {
            case FOLDER -> SftpConstants.S_IFDIR | 0755;
            case FILE -> SftpConstants.S_IFREG | 0644;
            case LINK -> SftpConstants.S_IFLNK | 0777;
        };
        return new SftpClient.Attributes().perms(type);
    }
}
