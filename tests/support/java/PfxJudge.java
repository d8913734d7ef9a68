// Copyright (c) 2026, esus.pec contributors
// GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
// SPDX-License-Identifier: GPL-3.0-or-later

import java.io.ByteArrayInputStream;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * What e-SUS PEC can do with a PKCS#12 file, asked of the JVM itself: the test oracle of our verdicts.
 *
 * <p>PEC loads the file with {@code KeyStore.getInstance("PKCS12")}, takes the key with {@code getKey} and uses key
 * and chain as the client certificate of a mutual-TLS connection through a SunX509 key manager. This program does
 * the same for each file: load, getKey for every key entry, a signature with the key verified with chain[0]'s public
 * key, then a real handshake on 127.0.0.1 (once with TLS 1.3, once with TLS 1.2; the client keeps Java's defaults,
 * the server pins the version) where the server demands the client certificate, so the client's CertificateVerify is
 * checked, and the certificate the server saw must be chain[0].
 *
 * <p>Input (stdin, so no password is ever in argv): first line {@code server <base64 PKCS#12> <base64 password>}, the
 * loopback server's own identity; then one line per file, {@code <base64 path> <base64 UTF-8 password>}. Output
 * (stdout): one JSON object per file, in order, with no key material and no password.
 */
public final class PfxJudge {
    private static final int SOCKET_TIMEOUT_MS = 10_000;
    private static final byte[] SIGNED = "esus.pec judge: PEC signs with this key".getBytes(StandardCharsets.US_ASCII);
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    /** Trust is not what is judged: the RNDS decides that. Both sides accept any peer. */
    private static final TrustManager[] TRUST_ALL = {
        new X509ExtendedTrustManager() {
            @Override public void checkClientTrusted(X509Certificate[] chain, String authType) {}
            @Override public void checkServerTrusted(X509Certificate[] chain, String authType) {}
            @Override public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}
            @Override public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}
            @Override public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}
            @Override public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}
            @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
        }
    };

    private PfxJudge() {}

    public static void main(String[] args) throws Exception {
        BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        PrintStream out = new PrintStream(System.out, true, "UTF-8");
        String[] server = input.readLine().split(" ", -1);
        if (server.length != 3 || !server[0].equals("server")) {
            throw new IllegalArgumentException("the first line must be: server <pkcs12> <password>");
        }
        SSLContext serverContext = serverContext(decode(server[1]), utf8(server[2]));
        ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "loopback-server");
            thread.setDaemon(true);
            return thread;
        });
        try {
            String line;
            while ((line = input.readLine()) != null) {
                if (line.isEmpty()) {
                    continue;
                }
                String[] fields = line.split(" ", -1);
                String path = new String(decode(fields[0]), StandardCharsets.UTF_8);
                char[] password = utf8(fields.length > 1 ? fields[1] : "");
                out.println(judge(path, password, serverContext, executor).toJson());
                Arrays.fill(password, '\0');
            }
        } finally {
            executor.shutdownNow();
        }
    }

    // --- one file --------------------------------------------------------------------------------

    static final class Entry {
        String alias;
        String key = "";         // the key's algorithm, "" when getKey failed
        String getKeyError = "";
        int chainLength;
        String signature = "";   // "ok", or why not
        X509Certificate first;
    }

    static final class Answer {
        String result;
        String detail = "";
        String loadError = "";
        int keyEntries;
        int certificateEntries;
        List<Entry> entries = new ArrayList<>();
        List<String> handshakes = new ArrayList<>();
        long loadMs;
        long entriesMs;
        long handshakeMs;

        String toJson() {
            StringBuilder json = new StringBuilder("{");
            field(json, "result", result).append(',');
            field(json, "detail", detail).append(',');
            field(json, "load_error", loadError).append(',');
            json.append("\"key_entries\":").append(keyEntries).append(',');
            json.append("\"certificate_entries\":").append(certificateEntries).append(",\"entries\":[");
            for (int i = 0; i < entries.size(); i++) {
                Entry entry = entries.get(i);
                json.append(i == 0 ? "{" : ",{");
                field(json, "alias", entry.alias).append(',');
                field(json, "key", entry.key).append(',');
                field(json, "getkey_error", entry.getKeyError).append(',');
                json.append("\"chain_length\":").append(entry.chainLength).append(',');
                field(json, "signature", entry.signature).append('}');
            }
            json.append("],\"handshakes\":[");
            for (int i = 0; i < handshakes.size(); i++) {
                json.append(i == 0 ? "" : ",").append(quote(handshakes.get(i)));
            }
            json.append("],\"ms\":{\"load\":").append(loadMs).append(",\"entries\":").append(entriesMs);
            return json.append(",\"handshakes\":").append(handshakeMs).append("}}").toString();
        }
    }

    static Answer judge(String path, char[] password, SSLContext serverContext, ExecutorService executor) {
        Answer answer = new Answer();
        long start = System.nanoTime();
        KeyStore store;
        try (InputStream stream = new ByteArrayInputStream(Files.readAllBytes(Paths.get(path)))) {
            store = KeyStore.getInstance("PKCS12");
            store.load(stream, password);
        } catch (Throwable error) {
            answer.loadMs = (System.nanoTime() - start) / 1_000_000;
            answer.loadError = describe(error);
            // Java's own words tell a wrong password from damage found with the right one
            String words = answer.loadError;
            answer.result = words.contains("password was incorrect") ? "load_password"
                : words.contains("Integrity check failed") ? "load_integrity" : "load_other";
            answer.detail = answer.loadError;
            return answer;
        }
        answer.loadMs = (System.nanoTime() - start) / 1_000_000;
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.isCertificateEntry(alias)) {
                    answer.certificateEntries++;
                }
                if (!store.isKeyEntry(alias)) {
                    continue;
                }
                answer.keyEntries++;
                answer.entries.add(entry(store, alias, password));
            }
        } catch (Throwable error) {
            answer.result = "load_other";
            answer.detail = "reading the entries: " + describe(error);
            return answer;
        }
        answer.entriesMs = (System.nanoTime() - start) / 1_000_000 - answer.loadMs;
        decide(answer, store, password, serverContext, executor);
        answer.handshakeMs = (System.nanoTime() - start) / 1_000_000 - answer.loadMs - answer.entriesMs;
        return answer;
    }

    static Entry entry(KeyStore store, String alias, char[] password) throws Exception {
        Entry entry = new Entry();
        entry.alias = alias;
        Key key;
        try {
            key = store.getKey(alias, password);
        } catch (Throwable error) {
            entry.getKeyError = describe(error);
            return entry;
        }
        entry.key = key == null ? "null" : key.getAlgorithm();
        Certificate[] chain = store.getCertificateChain(alias);
        entry.chainLength = chain == null ? 0 : chain.length;
        if (!(key instanceof PrivateKey)) {
            entry.signature = "not a private key";
        } else if (entry.chainLength == 0 || !(chain[0] instanceof X509Certificate)) {
            entry.signature = "no certificate chain for this key";
        } else {
            entry.first = (X509Certificate) chain[0];
            entry.signature = sign((PrivateKey) key, entry.first);
        }
        return entry;
    }

    /** Sign with the key, verify with chain[0]'s public key: "ok" or why not. */
    static String sign(PrivateKey key, X509Certificate first) {
        try {
            Signature signer = signature(key.getAlgorithm());
            signer.initSign(key);
            signer.update(SIGNED);
            byte[] value = signer.sign();
            Signature verifier = signature(key.getAlgorithm());
            verifier.initVerify(first.getPublicKey());
            verifier.update(SIGNED);
            return verifier.verify(value) ? "ok" : "the signature does not verify with chain[0]'s public key";
        } catch (Throwable error) {
            return describe(error);
        }
    }

    static Signature signature(String keyAlgorithm) throws Exception {
        switch (keyAlgorithm) {
            case "RSA":
                return Signature.getInstance("SHA256withRSA");
            case "RSASSA-PSS":
                Signature pss = Signature.getInstance("RSASSA-PSS");
                pss.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
                return pss;
            case "EC":
                return Signature.getInstance("SHA256withECDSA");
            case "DSA":
                return Signature.getInstance("SHA256withDSA");
            case "EdDSA":
            case "Ed25519":
            case "Ed448":
                return Signature.getInstance(keyAlgorithm);
            default:
                throw new IllegalArgumentException("no signature algorithm for a " + keyAlgorithm + " key");
        }
    }

    /** The class of the file: the first step PEC would fail at, or usable. */
    static void decide(Answer answer, KeyStore store, char[] password, SSLContext serverContext,
                       ExecutorService executor) {
        if (answer.keyEntries == 0) {
            answer.result = "no_key_entry";
            answer.detail = answer.certificateEntries + " certificate entries, no key entry";
            return;
        }
        for (Entry entry : answer.entries) {
            if (!entry.getKeyError.isEmpty()) {
                // SunX509's key manager calls getKey on every key entry: one failure and PEC has no key manager
                answer.result = "getkey_failed";
                answer.detail = entry.alias + ": " + entry.getKeyError;
                return;
            }
        }
        List<Entry> paired = new ArrayList<>();  // a private key and a certificate chain: what the key manager keeps
        for (Entry entry : answer.entries) {
            if (entry.first != null) {
                paired.add(entry);
            }
        }
        if (paired.isEmpty()) {
            answer.result = "no_chain";
            answer.detail = "no private key entry has a certificate chain: "
                + answer.entries.get(0).alias + ": " + answer.entries.get(0).signature;
            return;
        }
        List<String> failures = new ArrayList<>();
        KeyManagerFactory keys = null;
        String keyManagerError = "";
        try {
            // PEC's key manager: it calls getKey on every key entry again, and picks the entry to send
            keys = KeyManagerFactory.getInstance("SunX509");
            keys.init(store, password);
        } catch (Throwable error) {
            keyManagerError = "client key manager: " + describe(error);
        }
        for (String protocol : PROTOCOLS) {
            String outcome = keys == null ? keyManagerError
                : handshake(keys, protocol, serverContext, executor, paired);
            answer.handshakes.add(protocol + ": " + outcome);
            if (!outcome.startsWith("ok")) {
                failures.add(protocol + ": " + outcome);
            }
        }
        // strict on files with several entries: SunX509 picks an entry by key type, not by whether it works
        for (Entry entry : paired) {
            if (!entry.signature.equals("ok")) {
                answer.result = "sign_failed";
                answer.detail = entry.alias + ": " + entry.signature;
                return;
            }
        }
        if (!failures.isEmpty()) {
            answer.result = "handshake_failed";
            answer.detail = String.join("; ", failures);
            return;
        }
        answer.result = "usable";
        answer.detail = String.join("; ", answer.handshakes);
    }

    // --- the handshake ---------------------------------------------------------------------------

    static SSLContext serverContext(byte[] pkcs12, char[] password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(new ByteArrayInputStream(pkcs12), password);
        KeyManagerFactory keys = KeyManagerFactory.getInstance("SunX509");
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), TRUST_ALL, null);
        return context;
    }

    /** "ok ..." or why not: a client set up as PEC's against a loopback server that demands its certificate. */
    static String handshake(KeyManagerFactory keys, String protocol, SSLContext serverContext,
                            ExecutorService executor, List<Entry> entries) {
        SSLContext client;
        try {
            // a new context for each handshake: nothing of the previous session can be resumed
            client = SSLContext.getInstance("TLS");
            client.init(keys.getKeyManagers(), TRUST_ALL, null);
        } catch (Throwable error) {
            return "client key manager: " + describe(error);
        }
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 1, loopback)) {
            listener.setNeedClientAuth(true);
            listener.setEnabledProtocols(new String[] {protocol});
            listener.setSoTimeout(SOCKET_TIMEOUT_MS);
            Future<Certificate[]> served = executor.submit(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                    socket.setSoTimeout(SOCKET_TIMEOUT_MS);
                    socket.setTcpNoDelay(true);
                    // reading the client's byte makes the server process (and check) the client's whole flight
                    int value = socket.getInputStream().read();
                    Certificate[] seen = socket.getSession().getPeerCertificates();
                    OutputStream echo = socket.getOutputStream();
                    echo.write(value);
                    echo.flush();
                    return seen;
                }
            });
            String clientError = "";
            String negotiated = "";
            try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket(loopback,
                    listener.getLocalPort())) {
                socket.setSoTimeout(SOCKET_TIMEOUT_MS);
                // without it each flight waits for Linux's delayed ACK (40 ms) on loopback
                socket.setTcpNoDelay(true);
                socket.startHandshake();
                OutputStream output = socket.getOutputStream();
                output.write(42);
                output.flush();
                if (socket.getInputStream().read() != 42) {
                    clientError = "the server did not echo the byte";
                }
                negotiated = socket.getSession().getProtocol();
            } catch (Throwable error) {
                clientError = describe(error);
            }
            Certificate[] seen;
            try {
                seen = served.get(SOCKET_TIMEOUT_MS * 2L, TimeUnit.MILLISECONDS);
            } catch (Throwable error) {
                served.cancel(true);
                Throwable cause = error.getCause() != null ? error.getCause() : error;
                return "server: " + describe(cause) + (clientError.isEmpty() ? "" : "; client: " + clientError);
            }
            if (!clientError.isEmpty()) {
                return "client: " + clientError;
            }
            if (seen.length == 0) {
                return "the server saw no client certificate";
            }
            for (Entry entry : entries) {
                if (entry.first.equals(seen[0])) {
                    return "ok, " + negotiated + ", the server saw " + entry.alias + "'s chain[0]";
                }
            }
            return "the server saw a certificate that is no key entry's chain[0]";
        } catch (Throwable error) {
            return "loopback server: " + describe(error);
        }
    }

    // --- words -----------------------------------------------------------------------------------

    /** Class and message of an error and of its causes: what keytool -debug shows, without a stack trace. */
    static String describe(Throwable error) {
        StringBuilder words = new StringBuilder();
        for (Throwable at = error; at != null && words.length() < 600; at = at.getCause()) {
            if (at != error) {
                words.append(" | caused by ");
            }
            words.append(at.getClass().getName());
            if (at.getMessage() != null) {
                words.append(": ").append(at.getMessage());
            }
            if (at.getCause() == at) {
                break;
            }
        }
        return words.toString();
    }

    static byte[] decode(String base64) {
        return Base64.getDecoder().decode(base64);
    }

    static char[] utf8(String base64) {
        return new String(decode(base64), StandardCharsets.UTF_8).toCharArray();
    }

    static StringBuilder field(StringBuilder json, String name, String value) {
        return json.append(quote(name)).append(':').append(quote(value));
    }

    static String quote(String value) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                quoted.append(String.format("\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }
}
