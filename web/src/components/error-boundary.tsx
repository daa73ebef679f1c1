// A React error boundary for a part of a page (route-level errors use the router's errorElement).
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { ErrorState } from './states';

interface Props {
  children: ReactNode;
  /** Replaces the default inline error; receives a reset function. */
  fallback?: (error: unknown, reset: () => void) => ReactNode;
  title?: string;
}

interface State {
  error: unknown;
  hasError: boolean;
}

export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null, hasError: false };

  static getDerivedStateFromError(error: unknown): State {
    return { error, hasError: true };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo) {
    // Kept for the developer console; users see the inline message.
    console.warn('UI error caught by boundary', error, info.componentStack);
  }

  reset = () => this.setState({ error: null, hasError: false });

  override render() {
    if (!this.state.hasError) return this.props.children;
    if (this.props.fallback) return this.props.fallback(this.state.error, this.reset);
    return (
      <ErrorState
        error={this.state.error}
        title={this.props.title ?? 'This part of the page failed'}
        onRetry={this.reset}
      />
    );
  }
}
