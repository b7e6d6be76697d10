import { S3Client } from '@aws-sdk/client-s3';

/**
 * An S3 client configured the way operators configure Mnemo: the standard AWS credential chain and region, plus
 * MNEMO_S3_ENDPOINT_URL (or MLflow's MLFLOW_S3_ENDPOINT_URL) for S3-compatible stores, addressed by path.
 */
export function s3ClientFromEnvironment(): S3Client {
  const endpoint = process.env.MNEMO_S3_ENDPOINT_URL ?? process.env.MLFLOW_S3_ENDPOINT_URL;
  return new S3Client({
    region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
  });
}
