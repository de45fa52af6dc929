/**
 * A listener that speaks just enough of the Kafka protocol to see how a client connects, without a broker:
 * TLS (its own server certificate; the client certificate it got, checked against the test CA), then the
 * client's ApiVersions request (client id from the request header), answered with a list that has
 * SaslHandshake but not SaslAuthenticate, so kafkajs then sends the mechanism (SaslHandshake) and its first
 * SASL message raw (SCRAM client-first `n,,n=<user>,r=<nonce>`, PLAIN `\0<user>\0<password>`). It records
 * that and closes the connection: the client never gets further, which is all a test of its settings needs.
 *
 * Wire formats (Kafka protocol guide; kafkajs 2.2.4 src/protocol/requests/apiVersions, saslHandshake):
 * request = int32 size, int16 api_key, int16 api_version, int32 correlation_id, int16-length client_id, body;
 * response = int32 size, int32 correlation_id, body.
 */
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface KafkaHandshake {
  /** TLS was used; with it, whether the client's certificate chains to the CA and its subject CN. */
  tls: boolean;
  clientCertAuthorized?: boolean;
  clientCertCn?: string;
  clientId?: string;
  /** The SASL mechanism the client asked for (SaslHandshake), upper case as on the wire. */
  mechanism?: string;
  /** The client's first SASL message, as latin1 text. */
  saslFirstMessage?: string;
  /** Why the TLS handshake failed (a plaintext client on the TLS port, our certificate refused…). */
  tlsError?: string;
  /** The first bytes did not frame as a Kafka request. */
  notKafka?: boolean;
}

const API_SASL_HANDSHAKE = 17;
const API_VERSIONS = 18;

function frame(correlationId: number, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeInt32BE(4 + body.length, 0);
  head.writeInt32BE(correlationId, 4);
  return Buffer.concat([head, body]);
}

function apiVersionsBody(version: number): Buffer {
  const apis: [number, number, number][] = [
    [API_VERSIONS, 0, 2],
    [API_SASL_HANDSHAKE, 0, 1],
  ];
  const b = Buffer.alloc(2 + 4 + apis.length * 6 + (version >= 1 ? 4 : 0));
  let o = b.writeInt16BE(0, 0); // error_code
  o = b.writeInt32BE(apis.length, o);
  for (const [key, min, max] of apis) {
    o = b.writeInt16BE(key, o);
    o = b.writeInt16BE(min, o);
    o = b.writeInt16BE(max, o);
  }
  if (version >= 1) b.writeInt32BE(0, o); // throttle_time_ms
  return b;
}

function saslHandshakeBody(mechanism: string): Buffer {
  const m = Buffer.from(mechanism, 'utf8');
  const b = Buffer.alloc(2 + 4 + 2 + m.length);
  let o = b.writeInt16BE(0, 0);
  o = b.writeInt32BE(1, o);
  o = b.writeInt16BE(m.length, o);
  m.copy(b, o);
  return b;
}

/** Reads the Kafka conversation of one connection, recording into `h`; `done` when the SASL message came. */
function converse(socket: Socket, h: KafkaHandshake, done: () => void): void {
  let buf = Buffer.alloc(0);
  let saslNext = false;
  socket.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    while (buf.length >= 4) {
      const size = buf.readInt32BE(0);
      // kafkajs never sends a request over 1 MiB here; anything else is not a Kafka client talking to us.
      if (size < 0 || size > 1 << 20) {
        h.notKafka = true;
        socket.destroy();
        return;
      }
      if (buf.length < 4 + size) return;
      const msg = buf.subarray(4, 4 + size);
      buf = buf.subarray(4 + size);
      if (saslNext) {
        h.saslFirstMessage = msg.toString('latin1');
        socket.destroy();
        done();
        return;
      }
      const apiKey = msg.readInt16BE(0);
      const version = msg.readInt16BE(2);
      const correlationId = msg.readInt32BE(4);
      const idLen = msg.readInt16BE(8);
      h.clientId = idLen >= 0 ? msg.subarray(10, 10 + idLen).toString('utf8') : undefined;
      const body = msg.subarray(10 + Math.max(0, idLen));
      if (apiKey === API_VERSIONS) socket.write(frame(correlationId, apiVersionsBody(version)));
      else if (apiKey === API_SASL_HANDSHAKE) {
        const len = body.readInt16BE(0);
        h.mechanism = body.subarray(2, 2 + len).toString('utf8');
        socket.write(frame(correlationId, saslHandshakeBody(h.mechanism)));
        saslNext = true;
      } else {
        // Anything else (Metadata…) means the client went on without SASL: record and stop.
        socket.destroy();
        done();
        return;
      }
    }
  });
  socket.on('error', () => {});
}

export interface KafkaHandshakeRecorder {
  port: number;
  /** Every connection seen, in order (kafkajs retries, so there are usually several). */
  handshakes: KafkaHandshake[];
  /** The first connection that reached its SASL message (or gave up on SASL), if any yet. */
  completed(): KafkaHandshake | undefined;
  close(): Promise<void>;
}

/**
 * Starts a recorder on a free loopback port. With `tls`, a TLS server with the given certificate that asks
 * for (but does not require) a client certificate, checked against `ca`; without, plain TCP.
 */
export async function startKafkaHandshakeRecorder(tls?: {
  cert: Buffer;
  key: Buffer;
  ca: Buffer;
}): Promise<KafkaHandshakeRecorder> {
  const handshakes: KafkaHandshake[] = [];
  let completed: KafkaHandshake | undefined;
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  let server: Server;
  if (tls) {
    server = createTlsServer({ ...tls, requestCert: true, rejectUnauthorized: false }, (socket: TLSSocket) => {
      track(socket);
      const peer = socket.getPeerCertificate();
      const h: KafkaHandshake = {
        tls: true,
        clientCertAuthorized: socket.authorized,
        ...(peer && typeof peer.subject?.CN === 'string' ? { clientCertCn: peer.subject.CN } : {}),
      };
      handshakes.push(h);
      converse(socket, h, () => (completed ??= h));
    });
    // A client that does not speak TLS (a plaintext Kafka request), or refuses our certificate: no handshake.
    server.on('tlsClientError', (err: Error) => void handshakes.push({ tls: false, tlsError: err.message }));
  } else {
    server = createTcpServer((socket) => {
      track(socket);
      const h: KafkaHandshake = { tls: false };
      handshakes.push(h);
      converse(socket, h, () => (completed ??= h));
    });
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    handshakes,
    completed: () => completed,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
