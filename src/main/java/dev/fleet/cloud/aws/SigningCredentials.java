package dev.fleet.cloud.aws;

import dev.fleet.security.KnownSecrets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The credential provider an EC2 client signs its requests with, remembering what it handed out.
 * An answer that quotes the request back (an error, from AWS or an endpoint standing in for it)
 * carries those credentials: the session token in {@code X-Amz-Security-Token}. They are known
 * here however the chain found them (environment, profile file, SSO, {@code credential_process},
 * an instance role), and without asking the chain a second time, which could fail differently,
 * run a process again or prompt.
 */
final class SigningCredentials implements AwsCredentialsProvider, SdkAutoCloseable {
    /** Credentials are renewed while a client lives; a request may have been signed with the ones before. */
    private static final int REMEMBERED = 3;

    private final AwsCredentialsProvider chain;
    private final Deque<AwsCredentials> handedOut = new ArrayDeque<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    SigningCredentials(AwsCredentialsProvider chain) {
        this.chain = chain;
    }

    @Override
    public AwsCredentials resolveCredentials() {
        AwsCredentials c = chain.resolveCredentials();
        synchronized (handedOut) {
            if (!c.equals(handedOut.peekLast())) {
                handedOut.remove(c);
                handedOut.addLast(c);
                if (handedOut.size() > REMEMBERED) {
                    handedOut.removeFirst();
                }
            }
        }
        return c;
    }

    /** The secret access keys and session tokens requests were signed with; none before the first request. */
    KnownSecrets known() {
        KnownSecrets known = KnownSecrets.none();
        synchronized (handedOut) {
            for (AwsCredentials c : handedOut) {
                known = known.with(c.secretAccessKey());
                if (c instanceof AwsSessionCredentialsIdentity session) {
                    known = known.with(session.sessionToken());
                }
            }
        }
        return known;
    }

    /**
     * Closes the chain when it holds something: a profile's or the default chain's providers keep
     * an SSO or STS client and a refreshing thread. Wrapped, the chain is out of the EC2 client's
     * sight, so only this reaches it.
     */
    @Override
    public void close() {
        // Once: whoever else holds this provider may close it too.
        if (closed.compareAndSet(false, true) && chain instanceof SdkAutoCloseable closeable) {
            closeable.close();
        }
    }

    /** Never the credentials: this object may end up in a log line. */
    @Override
    public String toString() {
        return "SigningCredentials[" + chain.getClass().getSimpleName() + "]";
    }
}
