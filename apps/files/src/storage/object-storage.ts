import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { OnApplicationShutdown } from '@nestjs/common';
import { FilesEnv } from '../config';
import { attachmentDisposition } from './content-disposition';

export interface StoredObject {
  size: number;
  contentType: string | undefined;
}

/**
 * The object store (AWS S3 or any S3-compatible one; s3rver locally and in tests), the
 * only class that talks to it. Clients PUT and GET with presigned URLs; we sign, check
 * (HEAD), copy server-side and delete, and read an object only once, to hash it at completion.
 */
export class ObjectStorage implements OnApplicationShutdown {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  static fromEnv(env: FilesEnv): ObjectStorage {
    const credentials =
      env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY
        ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY }
        : undefined;
    const client = new S3Client({
      region: env.S3_REGION,
      endpoint: env.S3_ENDPOINT,
      forcePathStyle: env.S3_FORCE_PATH_STYLE,
      credentials,
      // Checksums only where S3 requires them: S3-compatible stores reject the newer
      // default CRC headers, and presigned URLs must not demand a checksum from clients.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    return new ObjectStorage(client, env.S3_BUCKET);
  }

  /**
   * A URL for one PUT of exactly `size` bytes of `contentType` whose SHA-256 is `sha256`
   * (hex): all three are signed headers, so a store that checks signatures (S3, MinIO)
   * refuses any other length, type or checksum, and S3 refuses bytes that do not hash to it.
   */
  presignPut(key: string, input: { size: number; contentType: string; sha256?: string; expiresInSeconds: number }): Promise<string> {
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ContentType: input.contentType,
      ContentLength: input.size,
      ...(input.sha256 ? { ChecksumSHA256: hexToBase64(input.sha256) } : {}),
    });
    const signed = ['content-type', 'content-length', ...(input.sha256 ? ['x-amz-checksum-sha256'] : [])];
    // The presigner would move x-amz-* headers into the query string, where S3 does not
    // check them against the body: kept a header, the client must send it and it is signed.
    return getSignedUrl(this.client, command, {
      expiresIn: input.expiresInSeconds,
      signableHeaders: new Set(signed),
      unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
    });
  }

  async createMultipartUpload(key: string, contentType: string): Promise<string> {
    const out = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: contentType }));
    if (!out.UploadId) throw new Error('object store returned no UploadId');
    return out.UploadId;
  }

  presignUploadPart(key: string, input: { uploadId: string; partNumber: number; size: number; expiresInSeconds: number }): Promise<string> {
    const command = new UploadPartCommand({
      Bucket: this.bucket,
      Key: key,
      UploadId: input.uploadId,
      PartNumber: input.partNumber,
      ContentLength: input.size,
    });
    return getSignedUrl(this.client, command, { expiresIn: input.expiresInSeconds, signableHeaders: new Set(['content-length']) });
  }

  async completeMultipartUpload(key: string, uploadId: string, parts: Array<{ partNumber: number; etag: string }>): Promise<void> {
    const sorted = [...parts].sort((a, b) => a.partNumber - b.partNumber);
    await this.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: sorted.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
      }),
    );
  }

  /** Best effort: an upload that is already gone (or a store without abort) is fine. */
  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
  }

  /** The object's size and type, or null if there is no such object. */
  async head(key: string): Promise<StoredObject | null> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: Number(out.ContentLength ?? 0), contentType: out.ContentType };
    } catch (error) {
      const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404) return null;
      throw error;
    }
  }

  /** A URL for GETting the object, served as an attachment under its (sanitised) file name. */
  presignGet(key: string, input: { fileName: string; contentType: string; expiresInSeconds: number }): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentDisposition: attachmentDisposition(input.fileName),
      ResponseContentType: input.contentType,
    });
    return getSignedUrl(this.client, command, { expiresIn: input.expiresInSeconds });
  }

  /**
   * Server-side copy (the bytes never pass through us), metadata included. One CopyObject
   * handles objects up to S3's 5 GiB limit, which is also FILES_MAX_SIZE_BYTES' ceiling.
   */
  async copy(fromKey: string, toKey: string): Promise<void> {
    await this.client.send(
      new CopyObjectCommand({
        Bucket: this.bucket,
        Key: toKey,
        CopySource: `${this.bucket}/${encodeKey(fromKey)}`,
        MetadataDirective: 'COPY',
      }),
    );
  }

  /** SHA-256 (hex) of the object's bytes, streamed: the one check that works alike on every S3-compatible store. */
  async sha256(key: string): Promise<string> {
    const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    const hash = createHash('sha256');
    for await (const chunk of out.Body as Readable) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }

  /** The object's bytes as a stream (a personal-data export copies the user's uploads into its archive). */
  async read(key: string): Promise<AsyncIterable<Uint8Array>> {
    const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return out.Body as Readable;
  }

  /** Writes bytes the service itself holds (documents billing issued), (the caller checked their SHA-256). */
  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType, ContentLength: body.length }),
    );
  }

  /** Idempotent: deleting a missing key succeeds. */
  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /** Nest calls this on shutdown: close the SDK's keep-alive sockets. */
  onApplicationShutdown(): void {
    this.client.destroy();
  }
}

const hexToBase64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

/** CopySource is a URL path: each segment encoded (our keys are ids and slashes, but stay correct). */
const encodeKey = (key: string) => key.split('/').map(encodeURIComponent).join('/');
