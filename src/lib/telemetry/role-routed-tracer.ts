import { context, trace, type Context, type Span, type SpanOptions, type Tracer, type TracerProvider } from '@opentelemetry/api'

// `npm start` runs the three roles in one process, but each role is its own service in a trace.
// Client spans (undici, Redis) come from process-wide instrumentations; this provider starts
// each one with the tracer provider of the role whose span is its parent.

interface SpanWithResource { resource?: object }

export function roleRoutedTracerProvider(providerOfResource: Map<object, TracerProvider>, fallback: TracerProvider): TracerProvider {
  return {
    getTracer(name, version, options): Tracer {
      const tracerFor = (parentContext: Context) => {
        const parent = trace.getSpan(parentContext) as (Span & SpanWithResource) | undefined
        const provider = (parent?.resource && providerOfResource.get(parent.resource)) || fallback
        return provider.getTracer(name, version, options)
      }
      const startSpan = (spanName: string, spanOptions?: SpanOptions, parentContext: Context = context.active()) =>
        tracerFor(parentContext).startSpan(spanName, spanOptions, parentContext)
      return {
        startSpan,
        startActiveSpan(spanName: string, ...rest: unknown[]) {
          const fn = rest.pop() as (span: Span) => unknown
          const [spanOptions, parentContext = context.active()] = rest as [SpanOptions | undefined, Context | undefined]
          const span = startSpan(spanName, spanOptions, parentContext)
          return context.with(trace.setSpan(parentContext, span), fn, undefined, span)
        },
      } as Tracer
    },
  }
}
