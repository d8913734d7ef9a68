// Copyright (c) 2026, esus.pec contributors
// GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
// SPDX-License-Identifier: GPL-3.0-or-later
//
// The Java judge of a trust store (tests/support/truststores.py): what PEC's Java says of a TLS server when this
// file is its trust store. Loads the store as the JVM loads cacerts (no password: no integrity check), builds
// the default PKIX trust manager from it, and makes a TLS handshake with each host:port given, checking the name
// as an HTTPS client does. Prints "entries N" (its trusted certificate entries), then one line per endpoint:
// "OK" or "FAIL <the exception chain>". Compiled once into .cache/trust-judge/; java TrustJudge STORE TYPE HOST:PORT...
import java.io.FileInputStream;
import java.io.InputStream;
import java.security.KeyStore;
import java.util.Collections;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

public class TrustJudge {
    public static void main(String[] args) throws Exception {
        KeyStore store = KeyStore.getInstance(args[1]);
        try (InputStream in = new FileInputStream(args[0])) {
            store.load(in, null);
        }
        int trusted = 0;
        for (String alias : Collections.list(store.aliases())) {
            if (store.isCertificateEntry(alias)) {
                trusted++;
            }
        }
        System.out.println("entries " + trusted);
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        for (int i = 2; i < args.length; i++) {
            String host = args[i].substring(0, args[i].lastIndexOf(':'));
            int port = Integer.parseInt(args[i].substring(args[i].lastIndexOf(':') + 1));
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(host, port)) {
                socket.setSoTimeout(10000);
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                System.out.println("OK");
            } catch (Exception exc) {
                StringBuilder said = new StringBuilder();
                for (Throwable t = exc; t != null; t = t.getCause()) {
                    said.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append(" | ");
                }
                System.out.println("FAIL " + said.toString().replace('\n', ' '));
            }
        }
    }
}
