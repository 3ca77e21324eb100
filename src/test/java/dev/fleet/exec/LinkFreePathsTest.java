package dev.fleet.exec;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import org.junit.jupiter.api.Test;

/**
 * Why a folder on the way could not be opened is told apart: one fleet may not enter is said so,
 * anything else (a link, a file where a folder was) is a change since fleet's check.
 */
class LinkFreePathsTest {
    /** A folder whose every opening below it fails with {@code failure}. */
    @SuppressWarnings("unchecked")
    private static SecureDirectoryStream<Path> folderFailingWith(IOException failure) {
        return (SecureDirectoryStream<Path>) Proxy.newProxyInstance(SecureDirectoryStream.class.getClassLoader(),
                new Class<?>[] {SecureDirectoryStream.class}, (proxy, method, args) -> {
                    if (method.getName().equals("newDirectoryStream")) {
                        throw failure;
                    }
                    return null;
                });
    }

    @Test
    void aFolderFleetMayNotEnterIsSaidSo() {
        AccessDeniedException denied = new AccessDeniedException("/work/locked");
        assertThatThrownBy(() -> LinkFreePaths.openBelow(folderFailingWith(denied), Path.of("/work"), Path.of("locked"), false))
                .isSameAs(denied);
        assertThatThrownBy(() -> LinkFreePaths.openBelow(folderFailingWith(denied), Path.of("/work"), Path.of("locked"), true))
                .isSameAs(denied);
    }

    @Test
    void aLinkWhereAFolderWasIsAChangeSinceTheCheck() {
        FileSystemException loop = new FileSystemException("/work/sub", null, "Too many levels of symbolic links");
        assertThatThrownBy(() -> LinkFreePaths.openBelow(folderFailingWith(loop), Path.of("/work"), Path.of("sub"), false))
                .hasMessage("/work/sub is a link or not a folder (it changed after fleet checked where it leads); refused")
                .hasCause(loop);
    }
}
