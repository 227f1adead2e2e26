import { envDetector, detectResources, resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NodeTracerProvider,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { BullMQOtel } from 'bullmq-otel';
import { rotorVersion } from './version.js';
import { setQueueTelemetry } from './tracing.js';

/** What `startTracing` installed; `shutdown` flushes the spans still buffered and stops the exporter. */
export interface InstalledTracing {
  shutdown(): Promise<void>;
}

/**
 * Installs the OpenTelemetry SDK for this process: a tracer provider exporting over OTLP/HTTP (the
 * exporter reads OTEL_EXPORTER_OTLP_* itself: endpoint, headers, timeout), the W3C trace-context
 * propagator, and BullMQ's telemetry for the queues and workers made from now on. Imported only when
 * `tracingWanted` says so (cli/main.ts), so a process without OTEL_* variables never loads the SDK.
 */
export function startTracing(env: NodeJS.ProcessEnv = process.env): InstalledTracing {
  const exporters = (env.OTEL_TRACES_EXPORTER ?? 'otlp').split(',').map((e) => e.trim().toLowerCase());
  const processors: SpanProcessor[] = [];
  if (exporters.includes('console')) processors.push(new BatchSpanProcessor(new ConsoleSpanExporter()));
  if (exporters.includes('otlp') || exporters.every((e) => e === '')) {
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
  }
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over rotor's defaults.
  const resource = resourceFromAttributes({
    [ATTR_SERVICE_NAME]: 'rotor',
    [ATTR_SERVICE_VERSION]: rotorVersion(),
  }).merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: processors });
  provider.register();
  setQueueTelemetry(new BullMQOtel({ tracerName: 'rotor-bullmq', version: rotorVersion() }));
  return {
    async shutdown() {
      setQueueTelemetry(undefined);
      await provider.shutdown();
    },
  };
}
