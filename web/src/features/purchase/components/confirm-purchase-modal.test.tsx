import { MantineProvider } from '@mantine/core';
import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { addItems, EMPTY_CART, type CartItem } from '../api/cart';
import { ConfirmPurchaseModal } from './confirm-purchase-modal';

function items(count: number, setup = 1): CartItem[] {
  return addItems(
    EMPTY_CART,
    Array.from({ length: count }, (_, i) => ({
      number: `1206555${String(i).padStart(4, '0')}`,
      number_type: 'standard',
      state: 'wa',
      rate_center: 'seattle',
      setup_cost: setup,
      monthly_cost: 1.25,
    })),
  ).items;
}

function renderModal(list: CartItem[], onConfirm = vi.fn()) {
  render(
    <MantineProvider env="test">
      <ConfirmPurchaseModal opened items={list} busy={false} onClose={() => {}} onConfirm={onConfirm} />
    </MantineProvider>,
  );
  return onConfirm;
}

describe('ConfirmPurchaseModal', () => {
  it('repeats count and both totals; a small order needs no typing', async () => {
    const onConfirm = renderModal(items(3));
    expect(screen.getByText('Buy 3 numbers?')).toBeInTheDocument();
    expect(screen.getByTestId('cart-count')).toHaveTextContent('3');
    expect(screen.getByTestId('cart-setup-total')).toHaveTextContent('$3.00 USD');
    expect(screen.getByTestId('cart-monthly-total')).toHaveTextContent('$3.75 USD/mo');
    expect(screen.queryByLabelText(/Type 3 to confirm/)).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: /^Buy 3 numbers for/ }));
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });

  it('above 5 numbers the buy button waits for the typed count', async () => {
    const onConfirm = renderModal(items(6));
    const buy = screen.getByRole('button', { name: /^Buy 6 numbers for/ });
    expect(buy).toBeDisabled();
    const input = screen.getByLabelText('Type 6 to confirm');
    await userEvent.type(input, '5');
    expect(buy).toBeDisabled();
    await userEvent.clear(input);
    await userEvent.type(input, '6');
    expect(buy).toBeEnabled();
    await userEvent.click(buy);
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });

  it('above the setup total ($25.00) it asks too, even for 2 numbers', () => {
    renderModal(items(2, 12.51));
    expect(screen.getByLabelText('Type 2 to confirm')).toBeInTheDocument();
  });

  it('a double click confirms once', () => {
    const onConfirm = renderModal(items(2));
    const buy = screen.getByRole('button', { name: /^Buy 2 numbers for/ });
    fireEvent.click(buy);
    fireEvent.click(buy);
    fireEvent.doubleClick(buy);
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });
});
